/**
 * Calls to the subgraphs a booking depends on. The kernel client signs each call, applies the 5 s
 * timeout and turns network failures into DEPENDENCY_UNAVAILABLE while keeping the codes the other
 * side answers with; `call` makes sure nothing else (a bug, a stub) escapes as an internal error,
 * because the booking flow decides what to compensate from the error code.
 */
import { DependencyUnavailableError, DomainError, fetchEntities, type Logger, type ServiceClient, type ServiceName, type UserIdentity } from '@wsb/kernel';
import {
  BookedWorkspaceDocument,
  BookerDocument,
  CreatePaymentDocument,
  PaymentOfBookingDocument,
  RefundPaymentDocument,
  type BookedWorkspaceQuery,
  type BookerQuery,
  type CreatePaymentMutation,
} from './__generated__/operations';

export interface Money {
  amount: number;
  currency: string;
}

/** What booking reads of the other subgraphs: the selections of src/operations/*.graphql. */
type Entity<TResult extends { _entities: readonly unknown[] }, TName> = Extract<NonNullable<TResult['_entities'][number]>, { __typename: TName }>;
export type UserProfile = Omit<Entity<BookerQuery, 'User'>, '__typename'>;
export type WorkspaceInfo = Omit<Entity<BookedWorkspaceQuery, 'Workspace'>, '__typename'>;
export type PaymentRef = CreatePaymentMutation['_createPayment'];

interface Caller {
  subgraphs: ServiceClient;
  log: Logger;
  /** The end user the call acts for; absent when the booking service acts on its own (relay). */
  user?: UserIdentity;
}

async function call<T>(caller: Caller, service: ServiceName, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof DomainError) throw err;
    caller.log.warn('dependency call failed', { target: service, err: (err as Error)?.message });
    throw new DependencyUnavailableError(service);
  }
}

/** The booker and the workspace, looked up in parallel: neither depends on the other. */
export async function loadUserAndWorkspace(caller: Caller, userId: string, workspaceId: string): Promise<[UserProfile | null, WorkspaceInfo | null]> {
  const options = { user: caller.user };
  const [[user], [workspace]] = await Promise.all([
    call(caller, 'user', () => fetchEntities(caller.subgraphs, 'user', BookerDocument, 'User', [userId], options)),
    call(caller, 'workspace', () => fetchEntities(caller.subgraphs, 'workspace', BookedWorkspaceDocument, 'Workspace', [workspaceId], options)),
  ]);
  return [user ?? null, workspace ?? null];
}

/** Charges the booking. Idempotent on bookingId on the payment side, so a retry never charges twice. */
export async function createPayment(caller: Caller, bookingId: string, userId: string, amount: Money): Promise<PaymentRef> {
  const data = await call(caller, 'payment', () =>
    caller.subgraphs.request(
      'payment',
      CreatePaymentDocument,
      { input: { bookingId, userId, amount: { amount: amount.amount, currency: amount.currency } } },
      { user: caller.user },
    ),
  );
  return data._createPayment;
}

/** The booking's payment as the payment subgraph has it (null: none was ever created). */
export async function paymentOf(caller: Caller, bookingId: string): Promise<PaymentRef | null> {
  const [booking] = await call(caller, 'payment', () =>
    fetchEntities(caller.subgraphs, 'payment', PaymentOfBookingDocument, 'Booking', [bookingId], { user: caller.user }),
  );
  return booking?.payment ?? null;
}

/** Refunds the booking's payment once (later calls return it unchanged); null when it has none. */
export async function refundPayment(caller: Caller, bookingId: string): Promise<PaymentRef | null> {
  const data = await call(caller, 'payment', () => caller.subgraphs.request('payment', RefundPaymentDocument, { bookingId }, { user: caller.user }));
  return data._refundPayment;
}
