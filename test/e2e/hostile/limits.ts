/** Hostile cases, categories 5-9: deep queries, alias and cost bombs, directive and token floods, huge strings. */
import { CREATE_BOOKING, CREATE_WORKSPACE, LOGIN, PASSWORD, REGISTER, UPDATE_ME, gqlAttack, isNullAt, workspaceInput } from './cases';
import { asAdmin, asMember, slot } from './send';
import { target, type Attack } from './target';

export function addLimitCases(add: (...attacks: Attack[]) => void): void {
  // 5. Deep queries (GRAPHQL_MAX_DEPTH is 10)
  const nest = (levels: number) => {
    let inner = 'id';
    for (let i = 0; i < levels; i++) inner = i % 2 ? `booking { ${inner} }` : `payment { ${inner} }`;
    return `query ($id: ID!) { booking(id: $id) { ${inner} } }`;
  };
  for (const levels of [10, 12, 20, 40, 120])
    add(gqlAttack('deep queries', `booking/payment ${levels} levels deep`, nest(levels), () => ({ id: target.bookingId }), asMember));
  add(
    gqlAttack(
      'deep queries',
      'depth through fragments',
      `{ activity { ...A } } fragment A on ActivityConnection { edges { node { booking { ...B } } } } fragment B on Booking { payment { booking { payment { booking { payment { booking { user { bookings { edges { node { id } } } } } } } } } } }`,
      () => ({}),
      asAdmin,
    ),
  );
  add(
    gqlAttack(
      'deep queries',
      'depth through inline fragments',
      `{ me { ... on User { bookings { edges { node { ... on Booking { payment { booking { payment { booking { payment { booking { payment { id } } } } } } } } } } } } }`,
      () => ({}),
      asMember,
    ),
  );
  add(
    gqlAttack(
      'deep queries',
      'deep introspection (ofType chains)',
      `{ __schema { types { fields { type { ofType { ofType { ofType { ofType { ofType { ofType { ofType { ofType { ofType { ofType { name } } } } } } } } } } } } } }`,
      () => ({}),
      () => ({}),
      (data) => {
        expect(Array.isArray(data.__schema.types)).toBe(true);
      },
    ),
  );
  add(
    gqlAttack('deep queries', 'a fragment cycle', `{ me { ...A } } fragment A on User { bookings { edges { node { user { ...A } } } } }`, () => ({}), asMember),
  );

  // 6. Alias bombs (GRAPHQL_MAX_ALIASES is 15)
  const aliases = (n: number, field: string) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: ${field}`).join(' ')} }`;
  for (const n of [16, 50, 200, 600]) {
    add(gqlAttack('alias bombs', `${n} x workspaces`, aliases(n, 'workspaces { totalCount }'), () => ({})));
    add(gqlAttack('alias bombs', `${n} x __typename`, aliases(n, '__typename'), () => ({})));
  }
  add(
    gqlAttack(
      'alias bombs',
      'aliases spread through fragments',
      `{ ...F ...F2 } fragment F on Query { ${Array.from({ length: 10 }, (_, i) => `f${i}: me { id }`).join(' ')} } fragment F2 on Query { ${Array.from({ length: 10 }, (_, i) => `g${i}: me { id }`).join(' ')} }`,
      () => ({}),
    ),
  );
  add(
    gqlAttack(
      'alias bombs',
      'nested aliases',
      `{ ${Array.from({ length: 4 }, (_, i) => `w${i}: workspaces { ${Array.from({ length: 4 }, (_, j) => `e${j}: edges { cursor }`).join(' ')} }`).join(' ')} }`,
      () => ({}),
    ),
  );
  add(
    gqlAttack(
      'alias bombs',
      'aliased mutations',
      `mutation { ${Array.from({ length: 20 }, (_, i) => `m${i}: login(input: { email: "x${i}@example.com", password: "wrong-password" }) { accessToken }`).join(' ')} }`,
      () => ({}),
    ),
  );

  // 6b. Cost bombs: within depth and alias limits, over GRAPHQL_MAX_COST (1000) by list sizes
  const page = (first: string) => `myBookings(first: ${first}) { edges { node { id user { name } workspace { name } payment { status } } } }`;
  add(
    gqlAttack(
      'cost bombs',
      'a page of pages',
      '{ users(first: 100) { edges { node { bookings(first: 100) { edges { node { id } } } } } } }',
      () => ({}),
      asAdmin,
    ),
  );
  add(
    gqlAttack(
      'cost bombs',
      'pages through entities at default sizes',
      '{ me { bookings { edges { node { user { bookings { edges { node { workspace { name } } } } } } } } } }',
      () => ({}),
      asMember,
    ),
  );
  add(gqlAttack('cost bombs', '15 aliased pages', `{ ${Array.from({ length: 15 }, (_, i) => `p${i}: ${page('100')}`).join(' ')} }`, () => ({}), asMember));
  add(
    gqlAttack(
      'cost bombs',
      'aliased pages sized by a variable',
      `query ($n: Int) { a: ${page('$n')} b: ${page('$n')} c: ${page('$n')} }`,
      () => ({ n: 100 }),
      asMember,
    ),
  );
  add(
    gqlAttack(
      'cost bombs',
      'pages spread through fragments',
      `{ ...A ...B } fragment A on Query { a: ${page('100')} } fragment B on Query { b: ${page('100')} c: workspaces(first: 100) { edges { node { name } } } }`,
      () => ({}),
      asMember,
    ),
  );

  // 7. Directive floods (GRAPHQL_MAX_DIRECTIVES is 20)
  add(gqlAttack('directive floods', '21 @include on one field', `{ me ${'@include(if: true) '.repeat(21)}{ id } }`, () => ({})));
  add(gqlAttack('directive floods', '21 fields with @skip', `{ ${Array.from({ length: 21 }, () => 'me @skip(if: false) { id }').join(' ')} }`, () => ({})));
  add(gqlAttack('directive floods', '300 directives', `{ me { id ${'@include(if: true) '.repeat(300)} } }`, () => ({})));
  add(gqlAttack('directive floods', 'an unknown directive', `{ me @admin { id } }`, () => ({})));
  add(gqlAttack('directive floods', 'a schema directive in a query', `{ me @deprecated { id } }`, () => ({})));
  add(gqlAttack('directive floods', 'federation directives in a query', `{ me @key(fields: "id") @inaccessible { id } }`, () => ({})));
  add(gqlAttack('directive floods', '@skip with a non-boolean', `{ me @skip(if: "yes") { id } }`, () => ({})));
  add(
    gqlAttack(
      'directive floods',
      'directives with variables flood',
      `query (${Array.from({ length: 25 }, (_, i) => `$v${i}: Boolean!`).join(', ')}) { ${Array.from({ length: 25 }, (_, i) => `m${i}: me @include(if: $v${i}) { id }`).join(' ')} }`,
      () => Object.fromEntries(Array.from({ length: 25 }, (_, i) => [`v${i}`, true])),
    ),
  );

  // 8. Token floods (GRAPHQL_MAX_TOKENS is 2000)
  add(gqlAttack('token floods', '2001 tokens', `{ me { ${'id '.repeat(1998)}} }`, () => ({})));
  add(gqlAttack('token floods', '20000 tokens', `{ me { ${'id '.repeat(20000)}} }`, () => ({})));
  add(
    gqlAttack('token floods', 'many arguments', `{ workspaces(${Array.from({ length: 1500 }, (_, i) => `a${i}: 1`).join(' ')}) { totalCount } }`, () => ({})),
  );
  add(gqlAttack('token floods', 'a huge list literal', `{ workspaces(first: [${'1,'.repeat(3000)}]) { totalCount } }`, () => ({})));
  add(gqlAttack('token floods', 'many operations', Array.from({ length: 700 }, (_, i) => `query Q${i} { me { id } }`).join(' '), () => ({})));
  add(
    gqlAttack(
      'token floods',
      'comments and commas are not tokens',
      `{ ${'#'.repeat(50)}\n${', '.repeat(20000)} me { id } }`,
      () => ({}),
      () => ({}),
      isNullAt('me'),
    ),
  );

  // 9. Huge strings (bodies over GRAPHQL_MAX_BODY_BYTES = 100 kB are refused before GraphQL)
  const mb = 'n'.repeat(1_000_000);
  add(gqlAttack('huge strings', '1 MB name at register', REGISTER, () => ({ i: { email: 'huge@example.com', password: PASSWORD, name: mb } })));
  add(gqlAttack('huge strings', '1 MB name at updateMe', UPDATE_ME, () => ({ i: { name: mb } }), asMember));
  add(gqlAttack('huge strings', '1 MB workspace name', CREATE_WORKSPACE, () => ({ i: workspaceInput({ name: mb }) }), asAdmin));
  add(
    gqlAttack('huge strings', '100 kB email at register', REGISTER, () => ({
      i: { email: `${'e'.repeat(100_000)}@example.com`, password: PASSWORD, name: 'E' },
    })),
  );
  add(gqlAttack('huge strings', '100 kB email at login', LOGIN, () => ({ i: { email: `${'e'.repeat(100_000)}@example.com`, password: PASSWORD } })));
  add(
    gqlAttack('huge strings', '90 kB email at login (under the body limit)', LOGIN, () => ({
      i: { email: `${'e'.repeat(90_000)}@example.com`, password: PASSWORD },
    })),
  );
  add(
    gqlAttack('huge strings', '90 kB email at register', REGISTER, () => ({
      i: { email: `${'e'.repeat(90_000)}@example.com`, password: PASSWORD, name: 'E' },
    })),
  );
  add(
    gqlAttack('huge strings', '90 kB password at register', REGISTER, () => ({ i: { email: 'longpw@example.com', password: 'p'.repeat(90_000), name: 'P' } })),
  );
  add(gqlAttack('huge strings', '90 kB password at login', LOGIN, () => ({ i: { email: target.member.email, password: 'p'.repeat(90_000) } })));
  add(gqlAttack('huge strings', '90 kB name at updateMe', UPDATE_ME, () => ({ i: { name: 'n'.repeat(90_000) } }), asMember));
  add(gqlAttack('huge strings', '90 kB description', CREATE_WORKSPACE, () => ({ i: workspaceInput({ description: 'd'.repeat(90_000) }) }), asAdmin));
  add(gqlAttack('huge strings', '90 kB timezone', CREATE_WORKSPACE, () => ({ i: workspaceInput({ timezone: 'Europe/'.repeat(12_000) }) }), asAdmin));
  add(
    gqlAttack(
      'huge strings',
      '90 kB currency',
      CREATE_WORKSPACE,
      () => ({ i: workspaceInput({ hourlyRate: { amount: 1, currency: 'E'.repeat(90_000) } }) }),
      asAdmin,
    ),
  );
  add(
    gqlAttack(
      'huge strings',
      '90 kB idempotency key',
      CREATE_BOOKING,
      () => ({ i: { workspaceId: target.workspaceId, ...slot(20, 9), idempotencyKey: 'k'.repeat(90_000) } }),
      asMember,
    ),
  );
  add(
    gqlAttack('huge strings', '90 kB refresh token', `mutation ($t: String!) { refreshToken(refreshToken: $t) { accessToken } }`, () => ({
      t: 'r'.repeat(90_000),
    })),
  );
  add(
    gqlAttack(
      'huge strings',
      '90 kB logout token',
      `mutation ($t: String!) { logout(refreshToken: $t) }`,
      () => ({ t: 'r'.repeat(90_000) }),
      () => ({}),
      (data) => expect(data.logout).toBe(false),
    ),
  );
  add(gqlAttack('huge strings', '90 kB cursor', `query ($a: String) { workspaces(after: $a) { totalCount } }`, () => ({ a: 'c'.repeat(90_000) })));
  add(
    gqlAttack(
      'huge strings',
      '90 kB string literal in the query',
      `{ workspace(id: "${'i'.repeat(90_000)}") { id } }`,
      () => ({}),
      () => ({}),
      isNullAt('workspace'),
    ),
  );
}
