/**
 * A well-behaved GraphQL client for the chaos run: every call has a deadline, and answers are
 * sorted into final ones (data, or an error a retry cannot change) and ambiguous ones (the network
 * failed, the call timed out, HTTP 5xx, DEPENDENCY_UNAVAILABLE, INTERNAL_SERVER_ERROR,
 * RATE_LIMITED), which a good client retries with the same idempotencyKey and the same input.
 */
export const REGISTER = `mutation ($input: RegisterInput!) { register(input: $input) { accessToken user { id } } }`;
export const LOGIN = `mutation ($input: LoginInput!) { login(input: $input) { accessToken } }`;
export const CREATE_WORKSPACE = `mutation ($input: CreateWorkspaceInput!) { createWorkspace(input: $input) { id } }`;
export const CREATE_BOOKING = `mutation ($input: CreateBookingInput!) { createBooking(input: $input) { id status } }`;
export const CANCEL_BOOKING = `mutation ($id: ID!) { cancelBooking(id: $id) { id status } }`;

/** Codes a retry with the same input may change: the platform could not say what happened. */
const AMBIGUOUS_CODES = new Set(['DEPENDENCY_UNAVAILABLE', 'INTERNAL_SERVER_ERROR', 'RATE_LIMITED']);

export type Answer<T> =
  | { kind: 'data'; data: T }
  /** A definitive error: BOOKING_CONFLICT, BAD_USER_INPUT, NOT_FOUND, ... */
  | { kind: 'error'; code: string; message: string }
  /** Nothing reliable was learnt; `reason` is the code, the HTTP status or the network failure. */
  | { kind: 'ambiguous'; reason: string };

export async function call<T>(
  url: string,
  query: string,
  variables: Record<string, unknown>,
  token: string | undefined,
  timeoutMs: number,
): Promise<Answer<T>> {
  let status: number;
  let body: { data?: Record<string, unknown> | null; errors?: { message: string; extensions?: { code?: string } }[] };
  try {
    const res = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    status = res.status;
    const text = await res.text();
    try {
      body = JSON.parse(text);
    } catch {
      return { kind: 'ambiguous', reason: `HTTP ${status} (not JSON)` };
    }
  } catch (err) {
    const name = (err as Error)?.name;
    return { kind: 'ambiguous', reason: name === 'TimeoutError' || name === 'AbortError' ? 'timeout' : 'network error' };
  }
  const field = body.data ? Object.values(body.data)[0] : undefined;
  if (field && !body.errors?.length) return { kind: 'data', data: field as T };
  const error = body.errors?.[0];
  const code = error?.extensions?.code;
  if (!code || AMBIGUOUS_CODES.has(code)) return { kind: 'ambiguous', reason: code ? `${code}: ${error?.message.slice(0, 90)}` : `HTTP ${status}` };
  if (status >= 500) return { kind: 'ambiguous', reason: `HTTP ${status} ${code}` };
  return { kind: 'error', code, message: error.message };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface RetryOutcome<T> {
  answer: Answer<T>;
  /** Attempts after the first. */
  retries: number;
  /** Why each retry was needed. */
  reasons: string[];
}

/**
 * Sends the same request until it gets a final answer or the time `giveUpAt()` says passes; between attempts a
 * jittered backoff from 100 ms doubling to 2 s. The last ambiguous answer is returned on giving up.
 */
export async function withRetries<T>(attempt: () => Promise<Answer<T>>, giveUpAt: () => number): Promise<RetryOutcome<T>> {
  const reasons: string[] = [];
  for (let n = 0; ; n += 1) {
    const answer = await attempt();
    if (answer.kind !== 'ambiguous' || Date.now() >= giveUpAt()) return { answer, retries: n, reasons };
    reasons.push(answer.reason);
    await sleep(Math.min(2000, 100 * 2 ** n) * (0.5 + Math.random() / 2));
  }
}
