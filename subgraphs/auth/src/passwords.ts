import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { argon2id, hash, needsRehash, verify } from 'argon2';
import { RateLimitedError, Semaphore, SemaphoreBusyError } from '@wsb/kernel';

/**
 * argon2id with the OWASP Password Storage Cheat Sheet's first configuration: 19 MiB of memory,
 * 2 iterations, 1 degree of parallelism (m=19456 KiB, t=2, p=1). One lane: a hash takes one
 * thread, so the concurrency limit below is also the number of threads hashing. Hashes made with
 * other parameters (before: the library's 64 MiB, t=3, p=4) still verify, and a successful login
 * stores a new hash (see upgradedHash).
 */
const HASH_OPTIONS = { type: argon2id, memoryCost: 19 * 1024, timeCost: 2, parallelism: 1 } as const;

/**
 * How many hashes or verifications run at once by default: one core is left to the event loop
 * (which must still parse, authorise and answer every request, the storm's included), and one of
 * libuv's threads (UV_THREADPOOL_SIZE, 4 by default) stays free: argon2 runs on that pool, and so
 * do the DNS lookups of new connections (to the user subgraph) that other requests need. On the
 * 2-core machine the storm script measured 1 (no timeouts) better than 2 (the gateway's circuit
 * to auth opened): see docs/login-storm.md.
 */
export function defaultHashConcurrency(threadpoolSize = 4): number {
  return Math.max(1, Math.min(availableParallelism() - 1, threadpoolSize - 1));
}

export interface HashingLimits {
  /** Hashes or verifications at once (PASSWORD_HASH_CONCURRENCY). */
  concurrency: number;
  /** Callers waiting per lane beyond which the next is refused at once (PASSWORD_HASH_MAX_QUEUE). */
  maxQueue: number;
  /** How long one may wait for its turn (PASSWORD_HASH_MAX_WAIT_MS). */
  maxWaitMs: number;
}

/** Defaults: a refusal comes well inside the gateway's 5 s SERVICE_TIMEOUT_MS. */
export const DEFAULT_HASHING_LIMITS = { maxQueue: 20, maxWaitMs: 2000 } as const;

// Per process, not per app: the threads and cores it shares out are the process's.
let limits: HashingLimits = { concurrency: defaultHashConcurrency(), ...DEFAULT_HASHING_LIMITS };
let limiter = new Semaphore(limits.concurrency);
const work = { running: 0, peak: 0 };

/**
 * Applies the limits; called at start-up. A caller that finds its lane's queue full, or waits
 * longer than maxWaitMs, is answered RATE_LIMITED with a retry hint: a storm gets quick "retry"
 * answers instead of timeouts, which would open the gateway's circuit to auth and fail every
 * refresh with it.
 */
export function limitPasswordHashing(next: HashingLimits): void {
  limits = next;
  limiter = new Semaphore(next.concurrency);
}

/** Hashes running now, queued, and the most that ran at once since the last call. */
export function passwordHashingLoad(): { running: number; waiting: number; peak: number } {
  const peak = work.peak;
  work.peak = work.running;
  return { running: work.running, waiting: limiter.load.waiting, peak };
}

/**
 * Verifications (logins) and new hashes (registrations) wait in lanes of their own, served in
 * turn: a login storm delays a registration by a turn, not by the whole queue.
 */
async function limited<T>(lane: 'verify' | 'hash', task: () => Promise<T>): Promise<T> {
  try {
    return await limiter.run(
      async () => {
        work.running++;
        work.peak = Math.max(work.peak, work.running);
        try {
          return await task();
        } finally {
          work.running--;
        }
      },
      { lane, maxWaiting: limits.maxQueue, maxWaitMs: limits.maxWaitMs },
    );
  } catch (err) {
    if (err instanceof SemaphoreBusyError) throw new RateLimitedError(Math.max(1, Math.ceil(limits.maxWaitMs / 1000)));
    throw err;
  }
}

export function hashPassword(password: string): Promise<string> {
  return limited('hash', () => hash(password, HASH_OPTIONS));
}

let dummyHash: Promise<string> | undefined;

/** A hash nobody knows the password of; made once, at start-up, so no login pays for it. */
export function prepareDummyHash(): Promise<string> {
  return (dummyHash ??= hashPassword(randomBytes(32).toString('base64')));
}

/**
 * True when the password matches. For an unknown account (no hash) it still runs a full verify
 * against the dummy hash, so the answer takes as long as a wrong password for a real account
 * and response times do not tell which emails have accounts.
 */
export async function verifyPassword(passwordHash: string | undefined, password: string): Promise<boolean> {
  const digest = passwordHash ?? (await prepareDummyHash());
  const matches = await limited('verify', () => verify(digest, password));
  return passwordHash !== undefined && matches;
}

/**
 * A hash with the current parameters when `passwordHash` (just verified against `password`) was
 * made with others; undefined when it is current, or when hashing is too busy right now (the
 * login goes ahead with the old hash, and the next one replaces it).
 */
export async function upgradedHash(passwordHash: string, password: string): Promise<string | undefined> {
  if (!needsRehash(passwordHash, HASH_OPTIONS)) return undefined;
  try {
    return await hashPassword(password);
  } catch (err) {
    if (err instanceof RateLimitedError) return undefined;
    throw err;
  }
}
