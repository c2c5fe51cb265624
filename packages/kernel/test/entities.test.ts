/** A subgraph resolves each distinct representation it is sent once, and answers every position. */
import { buildSubgraphSchema } from '@apollo/subgraph';
import { execute, parse } from 'graphql';
import { resolveEachEntityOnce } from '../src/entities';

it('resolves 30 representations of 2 users with 2 reference lookups, in the order sent', async () => {
  const lookups: string[] = [];
  const schema = buildSubgraphSchema({
    typeDefs: parse(
      'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"]) type User @key(fields: "id") { id: ID! name: String } type Query { me: User }',
    ),
    resolvers: { User: { __resolveReference: async ({ id }: { id: string }) => (lookups.push(id), { id, name: id.toUpperCase() }) } } as never,
  });
  resolveEachEntityOnce(schema);
  const representations = Array.from({ length: 30 }, (_, i) => ({ __typename: 'User', id: i % 3 ? 'ada' : 'bob' }));
  const result = await execute({
    schema,
    document: parse('query ($r: [_Any!]!) { _entities(representations: $r) { ... on User { id name } } }'),
    variableValues: { r: representations },
  });
  expect(result.errors).toBeUndefined();
  expect(lookups.sort()).toEqual(['ada', 'bob']);
  expect((result.data as any)._entities).toEqual(representations.map(({ id }) => ({ id, name: id.toUpperCase() })));
});
