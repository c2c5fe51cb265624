/**
 * The gateway's cost estimate (src/cost.ts) on the composed API schema: it multiplies by list
 * sizes, admits every documented example at the largest page, and prices abuse over the budget.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Supergraph } from '@apollo/federation-internals';
import { parse, type OperationDefinitionNode } from 'graphql';
import { DEFAULT_MAX_COST } from '../src/armor';
import { MUTATION_COST, createCostCache, operationCost } from '../src/cost';

const ROOT = join(__dirname, '../..');
const schema = Supergraph.build(readFileSync(join(ROOT, 'schema/supergraph.graphql'), 'utf8'))
  .apiSchema()
  .toGraphQLJSSchema();

/** The cost of each operation in `source`, in order. */
function costs(source: string, variables: Record<string, unknown> = {}): number[] {
  const document = parse(source);
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition');
  return operations.map((operation) => operationCost(schema, document, operation, variables));
}
const cost = (source: string, variables?: Record<string, unknown>) => costs(source, variables)[0];

const README_PAGE = (args: string) => `query { myBookings${args} { edges { node { id startsAt status
  user { name email } workspace { name timezone } payment { status amount { amount currency } } } } } }`;

/** Every operation of the README's examples, with each `first` at the largest page. */
function readmeOperations(): string[] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const blocks = [...readme.matchAll(/```graphql\n([\s\S]*?)```/g)].map((m) => m[1]);
  return blocks.map((block) => block.replace(/first: *\d+/g, 'first: 100'));
}

/** API.md's reads, each selecting everything it offers, at the largest page. */
const API_EXAMPLES = [
  README_PAGE('(first: 100)'),
  `{ me { id email name role createdAt bookings(first: 100) { totalCount edges { cursor node { id startsAt endsAt attendees status createdAt cancelledAt
      price { amount currency } workspace { id name kind } payment { id status amount { amount currency } createdAt refundedAt } } } pageInfo { hasNextPage endCursor } }
    notifications(first: 100) { id channel kind subject body status createdAt sentAt } } }`,
  `{ workspaces(first: 100) { totalCount edges { node { id name description kind capacity hourlyRate { amount currency } timezone active createdAt
      isAvailable(startsAt: "2030-01-07T09:00:00Z", endsAt: "2030-01-07T10:00:00Z") } } pageInfo { hasNextPage endCursor } } }`,
  `{ users(first: 100) { totalCount edges { node { id email name role createdAt } } pageInfo { hasNextPage endCursor } } }`,
  `{ activity(first: 100) { totalCount edges { node { id kind at booking { id status } user { id name } workspace { id name } } } } }`,
  `{ myNotifications(first: 100) { id kind subject body status user { id email } } }`,
  `{ bookingReport(from: "2030-01-01T00:00:00Z", to: "2030-02-01T00:00:00Z") { bookingsCreated bookingsCancelled revenue { amount currency }
      occupancy { workspace { id name } bookedHours occupancyRate } } }`,
  `{ adminDashboard { userCount workspaceCount activeBookings revenueToday { amount currency } services { name status latencyMs }
      recentActivity(first: 50) { id kind at booking { id } user { id name } workspace { id name } } } }`,
  `query ($id: ID!) { booking(id: $id) { id status user { id name } workspace { id name } payment { id status amount { amount currency } } } }`,
  `mutation { createBooking(input: { workspaceId: "w", startsAt: "2030-01-07T09:00:00Z", endsAt: "2030-01-07T10:00:00Z" }) {
      id status price { amount currency } user { id } workspace { id name } payment { status } } }`,
];

describe('the cost of an operation', () => {
  it('multiplies what a page selects by its first', () => {
    // myBookings (1) + per item: edge, node, user, workspace, payment, amount (6).
    for (const first of [0, 1, 10, 55, 100]) expect(cost(README_PAGE(`(first: ${first})`))).toBe(1 + 6 * first);
  });

  it('counts the default page size when first is absent or null, and the maximum when first is over it', () => {
    expect(cost(README_PAGE(''))).toBe(1 + 6 * 20);
    expect(cost(README_PAGE('(first: null)'))).toBe(1 + 6 * 20);
    expect(cost(README_PAGE('(first: 1000)'))).toBe(1 + 6 * 100);
    // recentActivity has bounds of its own (default 10, at most 50).
    expect(cost('{ adminDashboard { recentActivity { id } } }')).toBe(1 + 10);
    expect(cost('{ adminDashboard { recentActivity(first: 500) { id } } }')).toBe(1 + 50);
  });

  it('reads first from variables, and from a variable’s default', () => {
    const page = README_PAGE('(first: $first)').replace('query {', 'query ($first: Int) {');
    expect(cost(page, { first: 100 })).toBe(601);
    expect(cost(page, {})).toBe(121);
    expect(cost(page.replace('$first: Int', '$first: Int = 100'), {})).toBe(601);
  });

  it('multiplies nested lists, and lists without first by a default page', () => {
    // users (1) + 100 × (edge + node + bookings (1 + 100 × (edge + node))).
    expect(cost('{ users(first: 100) { edges { node { bookings(first: 100) { edges { node { id } } } } } } }')).toBe(1 + 100 * (2 + 1 + 100 * 2));
    expect(cost('{ adminDashboard { services { name } } }')).toBe(1 + 20);
    expect(cost('{ myNotifications(first: 7) { id user { id } } }')).toBe(7 * 2);
  });

  it('counts fragments like the fields they stand for, each fragment once however often it is spread', () => {
    const inline = cost(README_PAGE('(first: 100)'));
    expect(
      cost(`{ myBookings(first: 100) { ...Page } } fragment Page on BookingConnection { edges { node { ...B } } }
      fragment B on Booking { id ... on Booking { user { name } workspace { name } } payment { amount { amount } } }`),
    ).toBe(inline);
    // 40 fragments each spreading the next twice: 2^40 `me`s, priced without visiting them all.
    const chain = Array.from({ length: 40 }, (_, i) => `fragment F${i} on Query { ...F${i + 1} a${i}: __typename ...F${i + 1} }`).join(' ');
    expect(cost(`{ ...F0 } ${chain} fragment F40 on Query { me { id } }`)).toBe(2 ** 40);
  });

  it('charges a mutation’s own field for the write, and leaves __typename and introspection free', () => {
    expect(cost('mutation { logout(refreshToken: "x") }')).toBe(MUTATION_COST + 1);
    expect(cost('{ __typename __schema { types { name fields { name args { name } } } } }')).toBe(0);
  });
});

describe('the default budget', () => {
  it('admits every documented example at the largest page', () => {
    const examples = [...readmeOperations().flatMap((block) => costs(block)), ...API_EXAMPLES.map((q) => cost(q))];
    expect(examples.length).toBeGreaterThan(API_EXAMPLES.length + 5);
    for (const c of examples) expect(c).toBeLessThanOrEqual(DEFAULT_MAX_COST);
  });

  it.each([
    ['deep: a page of pages', '{ users(first: 100) { edges { node { bookings(first: 100) { edges { node { id } } } } } } }'],
    [
      'deep: pages reached through entities, at default sizes',
      `{ me { bookings { edges { node { user { bookings { edges { node { workspace { name } } } } } } } } } }`,
    ],
    [
      'wide: every list at its largest page',
      `{ myBookings(first: 100) { edges { node { user { name } workspace { name } payment { status } } } }
      workspaces(first: 100) { edges { node { name isAvailable(startsAt: "2030-01-07T09:00:00Z", endsAt: "2030-01-07T10:00:00Z") } } }
      activity(first: 100) { edges { node { booking { id } user { id } workspace { id } } } } }`,
    ],
    ['aliased: the README page twice', `{ a: ${README_PAGE('(first: 100)').slice(8, -2)} b: ${README_PAGE('(first: 100)').slice(8, -2)} }`],
    ['aliased: fifteen small pages', `{ ${Array.from({ length: 15 }, (_, i) => `a${i}: ${README_PAGE('(first: 20)').slice(8, -2)}`).join(' ')} }`],
  ])('refuses %s', (_name, query) => {
    expect(cost(query)).toBeGreaterThan(DEFAULT_MAX_COST);
  });
});

describe('the cost cache', () => {
  const document = parse('query Page($first: Int) { myBookings(first: $first) { edges { node { id user { name } } } } }');
  const operation = document.definitions[0] as OperationDefinitionNode;

  it('answers as the estimate does, and estimates each operation and set of variables once', () => {
    const estimate = jest.fn(operationCost);
    const cache = createCostCache(estimate);
    for (const first of [10, 100, 10, 100, 10]) {
      expect(cache.cost(schema, document, operation, { first })).toBe(operationCost(schema, document, operation, { first }));
    }
    expect(cache.cost(schema, document, operation, { first: 10 })).toBeLessThan(cache.cost(schema, document, operation, { first: 100 }));
    expect(estimate).toHaveBeenCalledTimes(2);
    // Another parse of the same text is another node (Apollo's document store gives a repeat the same one).
    const again = parse('query Page($first: Int) { myBookings(first: $first) { edges { node { id user { name } } } } }');
    cache.cost(schema, again, again.definitions[0] as OperationDefinitionNode, { first: 10 });
    expect(estimate).toHaveBeenCalledTimes(3);
  });

  it('estimates variables nested too deep to write as JSON as they come, without keeping them', () => {
    const estimate = jest.fn(operationCost);
    const cache = createCostCache(estimate);
    let deep: unknown = 1;
    for (let i = 0; i < 20_000; i++) deep = [deep];
    for (let i = 0; i < 2; i++)
      expect(cache.cost(schema, document, operation, { first: 10, deep })).toBe(operationCost(schema, document, operation, { first: 10 }));
    expect(estimate).toHaveBeenCalledTimes(2);
  });

  it('estimates again for another schema, and keeps at most 100 sets of variables per operation', () => {
    const estimate = jest.fn(operationCost);
    const cache = createCostCache(estimate);
    cache.cost(schema, document, operation, { first: 5 });
    const other = Supergraph.build(readFileSync(join(ROOT, 'schema/supergraph.graphql'), 'utf8'))
      .apiSchema()
      .toGraphQLJSSchema();
    expect(cache.cost(other, document, operation, { first: 5 })).toBe(operationCost(other, document, operation, { first: 5 }));
    expect(estimate).toHaveBeenCalledTimes(2);
    for (let first = 1; first <= 101; first++) cache.cost(other, document, operation, { first });
    // 5 was still known, the other 100 were estimated; the 101st set cleared the operation's costs.
    expect(estimate).toHaveBeenCalledTimes(2 + 100);
    cache.cost(other, document, operation, { first: 5 });
    expect(estimate).toHaveBeenCalledTimes(2 + 101);
  });
});
