import type { EntityManager } from '@mikro-orm/postgresql';

/** First key of the two-part advisory lock: names "booking slots" so no other lock can collide. */
const SLOT_LOCK_NAMESPACE = 0x0b00c1;

/**
 * Serialises, per workspace, the writes the overlap constraint checks (inserting a booking,
 * PENDING -> CONFIRMED), until the transaction ends. The exclusion constraint alone is correct but
 * not live under contention: concurrent conflicting inserts each add their index entry, then wait
 * for one another's transaction, and PostgreSQL must abort them as deadlocks (40P01) instead of
 * answering 23P01. In line behind this lock each writer sees the previous one committed and fails
 * fast with 23P01. The constraint stays the rule; the lock only orders the contenders. Different
 * workspaces never wait for each other.
 */
export async function lockWorkspaceSlots(tx: EntityManager, workspaceId: string): Promise<void> {
  await tx.execute(SLOT_LOCK_SQL, slotLockParams(workspaceId));
}

/**
 * The lock as a query, for a statement that is its own transaction: `with slot as (SLOT_LOCK_SQL)
 * insert … select … from slot` takes the lock before it writes and holds it until its commit.
 */
export const SLOT_LOCK_SQL = 'select pg_advisory_xact_lock(?, hashtext(?))';
export const slotLockParams = (workspaceId: string): [number, string] => [SLOT_LOCK_NAMESPACE, workspaceId];
