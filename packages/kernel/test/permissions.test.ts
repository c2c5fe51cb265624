/**
 * The shield as the subgraphs build it: deny where no rule is written, allowed fields left as
 * plain resolvers, and ownerOrAdmin decided once per owner per request rather than per field.
 */
import { buildSchema, execute, parse } from 'graphql';
import { applyMiddleware } from 'graphql-middleware';
import { allow, buildShield, ownerOrAdmin } from '../src/permissions';
import type { Identity } from '../src/identity';

const plain = buildSchema(`
  type Query { notes: [Note!]! open: String secret: String }
  type Note { id: ID text: String title: String }
`);
const notes = Array.from({ length: 100 }, (_, i) => ({ id: String(i), ownerId: i % 2 ? 'owner' : 'other', text: `note ${i}`, title: `title ${i}` }));

function build() {
  const owner = jest.fn((note: { ownerId: string }) => note.ownerId);
  const rules = { Query: { notes: allow, open: allow }, Note: { '*': ownerOrAdmin(owner), title: allow } };
  const middleware = buildShield(rules as never, plain) as Record<string, Record<string, unknown>>;
  const schema = applyMiddleware(plain, middleware);
  const run = (query: string, identity: Identity) =>
    execute({
      schema,
      document: parse(query),
      rootValue: { notes, open: 'hello', secret: 'hidden' },
      contextValue: { identity, rateLimiter: { consume: async () => undefined } },
    });
  return { owner, middleware, run };
}

describe('buildShield', () => {
  it('denies a field no rule mentions, and leaves fields that are plain allow unwrapped', async () => {
    const { middleware, run } = build();
    expect(Object.keys(middleware.Note).sort()).toEqual(['id', 'text']); // title is plain allow
    expect(Object.keys(middleware.Query).sort()).toEqual(['notes', 'open', 'secret']); // root fields are rate-limited
    const result = await run('{ open secret notes { title } }', { caller: 'gateway', user: { id: 'owner', role: 'MEMBER' } });
    expect(result.data).toEqual({ open: 'hello', secret: null, notes: notes.map((n) => ({ title: n.title })) });
    expect(result.errors?.map((e) => [e.path, (e.originalError as any).code])).toEqual([[['secret'], 'FORBIDDEN']]);
  });

  it('decides ownerOrAdmin once per owner in a request, for 100 items with two fields each', async () => {
    const { owner, run } = build();
    const result = await run('{ notes { id text } }', { caller: 'gateway', user: { id: 'owner', role: 'MEMBER' } });
    // 200 cache keys (one per field) and one decision for each of the two owners: 202.
    // Without the per-owner cache it would be 400; with a per-parent cache 300.
    expect(owner).toHaveBeenCalledTimes(202);
    expect(result.errors).toHaveLength(100); // the other member's 50 notes × 2 fields
    expect(result.errors!.every((e) => (e.originalError as any).code === 'FORBIDDEN')).toBe(true);
  });

  it('still answers each caller by its own identity', async () => {
    const { run } = build();
    const anonymous = await run('{ notes { id } }', { caller: 'gateway' });
    expect(new Set(anonymous.errors!.map((e) => (e.originalError as any).code))).toEqual(new Set(['UNAUTHENTICATED']));
    for (const identity of [{ caller: 'booking' }, { caller: 'gateway', user: { id: 'x', role: 'ADMIN' as const } }]) {
      const result = await run('{ notes { id } }', identity);
      expect(result.errors).toBeUndefined();
      expect((result.data as any).notes).toHaveLength(100);
    }
  });
});
