/** Hostile cases, categories 13-17: batched arrays, oversized bodies, GET and other methods, internal fields, forged tokens. */
import { attack, gqlAttack, isNullAt } from './cases';
import { asAdmin, http, JSON_HEADERS, jwt, now, op, post, raw, userClaims } from './send';
import { target, type Attack } from './target';

export function addTransportCases(add: (...attacks: Attack[]) => void): void {
  const body = JSON.stringify({ query: '{ me { id } }' });
  // 13. Batched arrays (batching is off)
  const q1 = { query: '{ me { id } }' };
  for (const [name, batch] of [
    ['empty array', []],
    ['one operation', [q1]],
    ['two operations', [q1, q1]],
    ['200 operations', Array(200).fill(q1)],
    ['nested arrays', [[q1]]],
    ['mixed junk', [q1, 1, null, 'x']],
  ] as [string, unknown[]][]) {
    add(attack('batched arrays', name, () => post(JSON.stringify(batch))));
  }
  add(
    attack('batched arrays', 'batched mutations', () =>
      post(JSON.stringify([{ query: 'mutation { logout(refreshToken: "x") }' }, { query: 'mutation { logout(refreshToken: "y") }' }])),
    ),
  );

  // 14. Oversized bodies (GRAPHQL_MAX_BODY_BYTES is 100 kB)
  add(attack('oversized bodies', '100 001 bytes', () => post(JSON.stringify({ query: `{ me { id } } #${'x'.repeat(100_001)}` }))));
  add(attack('oversized bodies', '2 MB', () => post(JSON.stringify({ query: '{ me { id } }', variables: { pad: 'x'.repeat(2_000_000) } }))));
  add(attack('oversized bodies', '2 MB as text/plain', () => post('x'.repeat(2_000_000), { 'content-type': 'text/plain' })));
  add(attack('oversized bodies', '2 MB of garbage JSON', () => post('['.repeat(2_000_000))));
  add(
    attack('oversized bodies', 'a lying content-length', () =>
      raw(`POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 10\r\nConnection: close\r\n\r\n{"query": "{ me { id } }"}`),
    ),
  );
  add(
    attack(
      'oversized bodies',
      'many variables',
      () => post(JSON.stringify({ query: '{ me { id } }', variables: Object.fromEntries(Array.from({ length: 8000 }, (_, i) => [`v${i}`, i])) })),
      { ifOk: isNullAt('me') },
    ),
  );
  add(attack('oversized bodies', 'a 20 kB header', () => post(body, { ...JSON_HEADERS, 'x-padding': 'p'.repeat(20_000) })));
  add(attack('oversized bodies', 'a 20 kB URL', () => http('GET', undefined, { 'apollo-require-preflight': '1' }, `/graphql?query=${'%20'.repeat(7000)}`)));

  // 15. GET, and other methods
  const get = (query: string, extra = '', headers: Record<string, string> = { 'apollo-require-preflight': '1' }) =>
    http('GET', undefined, headers, `/graphql?query=${encodeURIComponent(query)}${extra}`);
  add(attack('GET with mutations', 'GET a mutation', () => get('mutation { logout(refreshToken: "x") }')));
  add(
    attack('GET with mutations', 'GET createWorkspace as admin', () =>
      get(
        `mutation { createWorkspace(input: { name: "ViaGet", kind: DESK, capacity: 1, hourlyRate: { amount: 1, currency: "EUR" }, timezone: "UTC" }) { id } }`,
        '',
        { 'apollo-require-preflight': '1', ...asAdmin() },
      ),
    ),
  );
  add(
    attack('GET with mutations', 'GET the mutation of a two-operation document', () =>
      get('query Q { me { id } } mutation M { logout(refreshToken: "x") }', '&operationName=M'),
    ),
  );
  add(attack('GET with mutations', 'GET without the CSRF preflight header', () => get('{ me { id } }', '', {})));
  add(
    attack('GET with mutations', 'GET with variables that are not JSON', () => get('query ($id: ID!) { workspace(id: $id) { id } }', '&variables=%7Bnot-json')),
  );
  add(attack('GET with mutations', 'GET with extensions that are not JSON', () => get('{ me { id } }', '&extensions=nope')));
  add(attack('GET with mutations', 'GET a query (allowed)', () => get('{ me { id } }'), { ifOk: isNullAt('me') }));
  for (const method of ['PUT', 'PATCH', 'DELETE', 'OPTIONS'])
    add(attack('GET with mutations', `${method} /graphql`, () => http(method, method === 'DELETE' || method === 'OPTIONS' ? undefined : body, JSON_HEADERS)));
  add(attack('GET with mutations', 'a subscription', () => op('subscription { me { id } }')));
  add(attack('GET with mutations', 'two operations and no name', () => op('query A { me { id } } query B { me { id } }')));
  add(attack('GET with mutations', 'an unknown operationName', () => post(JSON.stringify({ query: 'query A { me { id } }', operationName: 'Nope' }))));
  add(
    attack('GET with mutations', 'a persisted-query hash that does not match', () =>
      post(JSON.stringify({ query: '{ me { id } }', extensions: { persistedQuery: { version: 1, sha256Hash: 'abc' } } })),
    ),
  );
  add(
    attack('GET with mutations', 'a persisted-query hash alone', () =>
      post(JSON.stringify({ extensions: { persistedQuery: { version: 1, sha256Hash: 'a'.repeat(64) } } })),
    ),
  );
  add(attack('GET with mutations', 'garbage on the wire', () => raw('HELLO /graphql SMTP/9.9\r\n\r\n')));

  // 16. Internal (@inaccessible) fields and types, and introspection of them
  const internal = [
    `mutation { _createPayment(input: { bookingId: "${'0'.repeat(8)}-0000-4000-8000-000000000000", userId: "x", amount: { amount: 1, currency: "EUR" } }) { id } }`,
    'mutation { _refundPayment(bookingId: "x") { id } }',
    'mutation { _sendNotification(input: { userId: "x", recipient: "a@b.c", channel: EMAIL, kind: "K", subject: "S", body: "B", dedupeKey: "D" }) { id } }',
    'mutation { _recordActivity(input: { kind: "BOOKING_CREATED" }) { id } }',
    'mutation { _recordAudit(input: { actorId: "x", action: "A", target: "T" }) { id } }',
    'mutation { _createUserProfile(input: { id: "x", email: "e@x.y", name: "N", role: ADMIN }) { id } }',
    '{ _userCount }',
    '{ _workspaceCount }',
    '{ _activeBookingCount }',
    '{ _revenueSince(since: "2020-01-01T00:00:00Z") { amount } }',
    '{ _entities(representations: [{ __typename: "User", id: "x" }]) { __typename } }',
    '{ _service { sdl } }',
    'query ($r: [_Any!]!) { workspaces { totalCount } }',
    'mutation ($i: CreatePaymentInput!) { register(input: { email: "a@b.c", password: "x", name: "y" }) { accessToken } }',
  ];
  for (const query of internal) {
    for (const who of [() => ({}), asAdmin])
      add(gqlAttack('internal fields', `${query.slice(0, 40)} as ${who === asAdmin ? 'admin' : 'anonymous'}`, query, () => ({}), who));
  }
  for (const name of [
    'CreatePaymentInput',
    'SendNotificationInput',
    'RecordActivityInput',
    'RecordAuditInput',
    'CreateUserProfileInput',
    '_Any',
    '_Entity',
    '_Service',
    'join__Graph',
    'link__Purpose',
  ]) {
    add(
      gqlAttack(
        'internal fields',
        `__type(name: "${name}")`,
        `query ($n: String!) { __type(name: $n) { name fields { name } inputFields { name } } }`,
        () => ({ n: name }),
        () => ({}),
        isNullAt('__type'),
      ),
    );
  }
  add(
    gqlAttack(
      'internal fields',
      'the whole schema has no internal field or directive',
      `{ __schema { types { name fields { name } inputFields { name } } directives { name } queryType { fields { name } } mutationType { fields { name } } } }`,
      () => ({}),
      () => ({}),
      (data) => {
        const names = JSON.stringify(data);
        expect(names).not.toMatch(/"_[a-zA-Z]|join__|link__|inaccessible|"(key|external|requires|provides|shareable)"/);
      },
    ),
  );

  // 17. Forged and odd tokens
  const tokens: [string, () => string][] = [
    ['alg none', () => jwt({ alg: 'none' }, userClaims())],
    ['alg none, upper case', () => jwt({ alg: 'NONE' }, userClaims())],
    ['HS256 with the wrong key', () => jwt({ alg: 'HS256' }, userClaims(), 'not-the-target.platform-secret-0123456789abcdef')],
    ['HS256 with an empty key', () => jwt({ alg: 'HS256' }, userClaims(), '')],
    ['RS256 claimed, HMAC signed with the secret', () => jwt({ alg: 'RS256' }, userClaims(), target.secrets.JWT_SECRET)],
    ['expired', () => jwt({ alg: 'HS256' }, userClaims({ iat: now() - 7200, exp: now() - 3600 }), target.secrets.JWT_SECRET)],
    ['not valid yet', () => jwt({ alg: 'HS256' }, userClaims({ nbf: now() + 3600 }), target.secrets.JWT_SECRET)],
    ['another issuer', () => jwt({ alg: 'HS256' }, userClaims({ iss: 'evil' }), target.secrets.JWT_SECRET)],
    ['another audience', () => jwt({ alg: 'HS256' }, userClaims({ aud: 'wsb-subgraph' }), target.secrets.JWT_SECRET)],
    ['a role that does not exist', () => jwt({ alg: 'HS256' }, userClaims({ role: 'ROOT' }), target.secrets.JWT_SECRET)],
    ['a subject that is not a user id', () => jwt({ alg: 'HS256' }, userClaims({ sub: "' OR 1=1 --" }), target.secrets.JWT_SECRET)],
    ['a subject with NUL', () => jwt({ alg: 'HS256' }, userClaims({ sub: 'a\u0000b' }), target.secrets.JWT_SECRET)],
    ['a 5 kB subject', () => jwt({ alg: 'HS256' }, userClaims({ sub: 's'.repeat(5000) }), target.secrets.JWT_SECRET)],
    ['a subject that is a number', () => jwt({ alg: 'HS256' }, userClaims({ sub: 42 }), target.secrets.JWT_SECRET)],
    [
      'a service token presented as a user token',
      () => {
        const [kid, key] = target.secrets.SERVICE_JWT_KEYS.split(',')[0].split(/:(.*)/s);
        return jwt(
          { alg: 'HS256', kid },
          { sub: 'gateway', iss: 'gateway', aud: 'wsb-subgraph', usr: target.member.id, rol: 'ADMIN', iat: now(), exp: now() + 60 },
          key,
        );
      },
    ],
    ['a kid pointing at a file', () => jwt({ alg: 'HS256', kid: '../../../../dev/null' }, userClaims(), '')],
    ['garbage', () => 'not.a.jwt'],
    ['empty segments', () => '..'],
    ['base64 junk', () => `${Buffer.from('{"alg":').toString('base64url')}.e30.x`],
    ['8 kB of junk', () => 'j'.repeat(8000)],
  ];
  for (const [name, token] of tokens) {
    add(
      attack('forged tokens', `${name}, Bearer`, () => op('{ me { id role } users { totalCount } }', {}, { authorization: `Bearer ${token()}` }), {
        status: 401,
      }),
    );
  }
  for (const [name, header] of [
    ['Basic credentials', 'Basic YWRtaW46YWRtaW4='],
    ['Bearer with nothing', 'Bearer '],
    ['two tokens', `Bearer a.b.c Bearer d.e.f`],
    ['a lower-case scheme and a forged token', `bearer ${jwt({ alg: 'none' }, {})}`],
    ['Token scheme', 'Token abc'],
  ] as const) {
    add(attack('forged tokens', name, () => op('{ me { id } users { totalCount } }', {}, { authorization: header }), { status: 401 }));
  }
  add(
    attack('forged tokens', 'identity headers a client made up', () =>
      op('{ users { totalCount } }', {}, { 'x-user-id': 'admin', 'x-user-role': 'ADMIN', 'x-forwarded-for': '127.0.0.1' }),
    ),
  );
  add(
    attack(
      'forged tokens',
      'a subgraph reached directly with a user token',
      async () => {
        const res = await fetch(`${target.platform.serviceUrl('user')}/graphql`, {
          method: 'POST',
          headers: { ...JSON_HEADERS, ...asAdmin() },
          body: JSON.stringify({ query: '{ users { totalCount } }' }),
        });
        const text = await res.text();
        return { status: res.status, text, json: JSON.parse(text) };
      },
      { status: 401 },
    ),
  );
}
