/** What the hostile corpus's cases are made of: the operations they send, and how a case is built. */
import { SUBGRAPHS } from '../../support/platform';
import { stringsIn } from './judge';
import { op } from './send';
import type { Answer, Attack } from './target';

export const SERVICES = SUBGRAPHS;
export const ADMIN = { email: 'hostile-admin@example.com', password: 'hostile-admin-password-1' };
export const PASSWORD = 'correct-horse-1';

export const CREATE_BOOKING = `mutation ($i: CreateBookingInput!) { createBooking(input: $i) { id startsAt } }`;
export const CREATE_WORKSPACE = `mutation ($i: CreateWorkspaceInput!) { createWorkspace(input: $i) { id name description timezone } }`;
export const REGISTER = `mutation ($i: RegisterInput!) { register(input: $i) { user { id name email } } }`;
export const LOGIN = `mutation ($i: LoginInput!) { login(input: $i) { accessToken } }`;
export const UPDATE_ME = `mutation ($i: UpdateMeInput!) { updateMe(input: $i) { name } }`;
export const AVAILABLE = `query ($id: ID!, $s: DateTime!, $e: DateTime!) { workspace(id: $id) { isAvailable(startsAt: $s, endsAt: $e) } }`;
export const REPORT = `query ($f: DateTime!, $t: DateTime!) { bookingReport(from: $f, to: $t) { bookingsCreated } }`;
export const workspaceInput = (over: Record<string, unknown> = {}) => ({
  name: 'Hostile',
  kind: 'DESK',
  capacity: 2,
  hourlyRate: { amount: 1000, currency: 'EUR' },
  timezone: 'UTC',
  ...over,
});

export function attack(category: string, name: string, send: () => Promise<Answer>, extra: Partial<Attack> = {}): Attack {
  return { category, name, send, ...extra };
}
/** An operation, with its variables (and query) as the inputs the answer may echo. */
export function gqlAttack(
  category: string,
  name: string,
  query: string,
  variables: () => Record<string, unknown>,
  headers: () => Record<string, string> = () => ({}),
  ifOk?: Attack['ifOk'],
): Attack {
  let vars: Record<string, unknown> = {};
  const a: Attack = {
    category,
    name,
    send: () => {
      vars = variables();
      a.inputs = [...stringsIn(vars), query];
      return op(query, vars, headers());
    },
    ifOk,
  };
  return a;
}
export const isNullAt = (key: string) => (data: any) => {
  expect(data?.[key]).toBeNull();
};
