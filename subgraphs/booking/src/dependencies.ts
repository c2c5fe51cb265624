/**
 * Calls to the subgraphs a booking depends on. The kernel client signs each call, applies the 5 s
 * timeout and turns network failures into DEPENDENCY_UNAVAILABLE while keeping the codes the other
 * side answers with; `call` makes sure nothing else (a bug, a stub) escapes as an internal error,
 * because the booking flow decides what to compensate from the error code.
 */
import {
  DependencyUnavailableError,
  DomainError,
  fetchEntities,
  type Logger,
  type ServiceClient,
  type ServiceName,
  type UserIdentity,
} from '@wsb/kernel';

export interface Money {
  amount: number;
  currency: string;
}

export interface UserProfile {
  id: string;
  email: string;
  name: string;
}

export interface WorkspaceInfo {
  id: string;
  name: string;
  active: boolean;
  capacity: number;
  timezone: string;
  hourlyRate: Money;
}

export interface PaymentRef {
  id: string;
  status: string;
}

interface Caller {
  services: ServiceClient;
  log: Logger;
  /** The end user the call acts for; absent when the booking service acts on its own (relay). */
  user?: UserIdentity;
}

async function call<T>(caller: Caller, service: ServiceName, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof DomainError) throw err;
    caller.log.warn('dependency call failed', { service, err: (err as Error)?.message });
    throw new DependencyUnavailableError(service);
  }
}

const USER_FIELDS = 'id email name';
const WORKSPACE_FIELDS = 'id name active capacity timezone hourlyRate { amount currency }';

/** The booker and the workspace, looked up in parallel: neither depends on the other. */
export async function loadUserAndWorkspace(
  caller: Caller,
  userId: string,
  workspaceId: string,
): Promise<[UserProfile | null, WorkspaceInfo | null]> {
  const options = { user: caller.user };
  const [[user], [workspace]] = await Promise.all([
    call(caller, 'user', () => fetchEntities<UserProfile>(caller.services, 'user', 'User', [userId], USER_FIELDS, options)),
    call(caller, 'workspace', () =>
      fetchEntities<WorkspaceInfo>(caller.services, 'workspace', 'Workspace', [workspaceId], WORKSPACE_FIELDS, options),
    ),
  ]);
  return [user ?? null, workspace ?? null];
}

const CREATE_PAYMENT = `mutation ($input: CreatePaymentInput!) { _createPayment(input: $input) { id status } }`;
const REFUND_PAYMENT = `mutation ($id: ID!) { _refundPayment(bookingId: $id) { id status } }`;

/** Charges the booking. Idempotent on bookingId on the payment side, so a retry never charges twice. */
export async function createPayment(caller: Caller, bookingId: string, userId: string, amount: Money): Promise<PaymentRef> {
  const data = await call(caller, 'payment', () =>
    caller.services.request<{ _createPayment: PaymentRef }>(
      'payment',
      CREATE_PAYMENT,
      { input: { bookingId, userId, amount: { amount: amount.amount, currency: amount.currency } } },
      { user: caller.user },
    ),
  );
  return data._createPayment;
}

/** The booking's payment as the payment subgraph has it (null: none was ever created). */
export async function paymentOf(caller: Caller, bookingId: string): Promise<PaymentRef | null> {
  const [booking] = await call(caller, 'payment', () =>
    fetchEntities<{ payment: PaymentRef | null }>(caller.services, 'payment', 'Booking', [bookingId], 'payment { id status }', { user: caller.user }),
  );
  return booking?.payment ?? null;
}

/** Refunds the booking's payment once (later calls return it unchanged); null when it has none. */
export async function refundPayment(caller: Caller, bookingId: string): Promise<PaymentRef | null> {
  const data = await call(caller, 'payment', () =>
    caller.services.request<{ _refundPayment: PaymentRef | null }>('payment', REFUND_PAYMENT, { id: bookingId }, { user: caller.user }),
  );
  return data._refundPayment;
}
