/** Hostile cases, categories 10-12: unicode oddities, invalid dates, invalid and malformed ids. */
import { gql } from '../../support/client';
import {
  AVAILABLE,
  CREATE_BOOKING,
  CREATE_WORKSPACE,
  LOGIN,
  PASSWORD,
  REGISTER,
  REPORT,
  UPDATE_ME,
  attack,
  gqlAttack,
  isNullAt,
  workspaceInput,
} from './cases';
import { asAdmin, asMember, JSON_HEADERS, post, slot } from './send';
import { target, type Attack } from './target';

export function addValueCases(add: (...attacks: Attack[]) => void): void {
  // 10. Unicode oddities. Unstorable text (NUL, unpaired surrogates) is refused; the rest round-trips.
  const unstorable: [string, string][] = [
    ['NUL', 'Ad\u0000a'],
    ['a lone high surrogate', 'Ad\ud800a'],
    ['a lone low surrogate', 'Ad\udfffa'],
    ['surrogates in the wrong order', 'Ad\udc00\ud800a'],
    ['only NUL', '\u0000'],
  ];
  for (const [what, value] of unstorable) {
    add(
      gqlAttack('unicode oddities', `${what} in a registered name`, REGISTER, () => ({
        i: { email: `u${Math.random()}@example.com`, password: PASSWORD, name: value },
      })),
    );
    add(gqlAttack('unicode oddities', `${what} in an email at login`, LOGIN, () => ({ i: { email: `a${value}@example.com`, password: PASSWORD } })));
    add(gqlAttack('unicode oddities', `${what} in a password at login`, LOGIN, () => ({ i: { email: target.member.email, password: `${PASSWORD}${value}` } })));
    add(gqlAttack('unicode oddities', `${what} in updateMe`, UPDATE_ME, () => ({ i: { name: value } }), asMember));
    add(gqlAttack('unicode oddities', `${what} in a workspace name`, CREATE_WORKSPACE, () => ({ i: workspaceInput({ name: value }) }), asAdmin));
    add(
      gqlAttack(
        'unicode oddities',
        `${what} in an idempotency key`,
        CREATE_BOOKING,
        () => ({ i: { workspaceId: target.workspaceId, ...slot(21, 9), idempotencyKey: value } }),
        asMember,
      ),
    );
    add(
      gqlAttack('unicode oddities', `${what} in a refresh token`, `mutation ($t: String!) { refreshToken(refreshToken: $t) { accessToken } }`, () => ({
        t: value,
      })),
    );
    add(gqlAttack('unicode oddities', `${what} in an id`, `query ($id: ID!) { booking(id: $id) { id } }`, () => ({ id: value }), asMember));
  }
  const escapes: [string, string][] = [
    ['NUL as a \\u0000 escape in a query literal', `mutation { updateMe(input: { name: "a\\u0000b" }) { name } }`],
    ['a lone surrogate escape in a query literal', `mutation { updateMe(input: { name: "a\\ud800b" }) { name } }`],
  ];
  for (const [name, query] of escapes) add(gqlAttack('unicode oddities', name, query, () => ({}), asMember));
  add(
    attack('unicode oddities', 'a raw lone surrogate in the JSON body', () =>
      post(`{"query": "mutation { updateMe(input: {name: \\"x\\ud800\\"}) { name } }"}`, { ...JSON_HEADERS, ...asMember() }),
    ),
  );
  add(attack('unicode oddities', 'a raw NUL in the query source', () => post(JSON.stringify({ query: '{ me { id } }\u0000' }), JSON_HEADERS)));
  const odd: [string, string][] = [
    ['an RTL override', 'Ada \u202Eevil\u202C Lovelace'],
    ['zero-width characters', 'A\u200Bd\u200Ca\u200D'],
    ['an emoji ZWJ sequence', 'Dev 👩🏽‍💻🏳️‍🌈'],
    ['combining marks', 'Z̴̡̛a̵͇͐l̶g̷o̸'],
    ['NFD (decomposed) letters', 'Zoe\u0308 A\u030Angstro\u0308m'],
    ['CJK and Arabic', '李小龍 محمد'],
    ['a byte-order mark inside', 'Ad\uFEFFa'],
    ['a noncharacter', 'Ad\uFFFFa'],
    ['line and paragraph separators', 'Ad\u2028a\u2029b'],
    ['control characters', 'Ad\u0007a\u001b[31m'],
    ['HTML', '<script>alert(1)</script>'],
    ['SQL', "Robert'); DROP TABLE user_profile;--"],
    ['a template', '${process.env.JWT_SECRET}{{7*7}}'],
    ['astral plane letters', '𝕬𝖉𝖆 𐐷'],
  ];
  for (const [what, value] of odd) {
    let id: string | undefined;
    add(
      gqlAttack(
        'unicode oddities',
        `${what} in a workspace name and description`,
        CREATE_WORKSPACE,
        () => ({ i: workspaceInput({ name: value, description: value }) }),
        asAdmin,
        async (data) => {
          id = data.createWorkspace.id;
          expect(data.createWorkspace).toMatchObject({ name: value, description: value });
          const read = await gql(target.url, `query ($id: ID!) { workspace(id: $id) { name description } }`, { id });
          expect(read.data.workspace).toEqual({ name: value, description: value });
        },
      ),
    );
  }
  add(
    gqlAttack(
      'unicode oddities',
      'a homoglyph email (Cyrillic а) is another account or refused',
      REGISTER,
      () => ({ i: { email: target.member.email.replace('a', '\u0430'), password: PASSWORD, name: 'Homoglyph' } }),
      () => ({}),
      (data) => {
        expect(data.register.user.email).not.toBe(target.member.email);
      },
    ),
  );

  // 11. Invalid dates
  const dates: [string, unknown][] = [
    ['no offset', '2030-01-07T09:00:00'],
    ['February 30th', '2030-02-30T09:00:00Z'],
    ['year 99999', '+099999-01-01T09:00:00Z'],
    ['year 0000', '0000-01-01T09:00:00Z'],
    ['year 0001 with an offset (year 0 in UTC)', '0001-01-01T00:30:00+01:00'],
    ['a negative year', '-000001-01-01T09:00:00Z'],
    ['a number', 1893920400000],
    ['a float', 1.5],
    ['hour 24', '2030-01-07T24:00:00Z'],
    ['minute 60', '2030-01-07T09:60:00Z'],
    ['a leap second', '2030-06-30T23:59:60Z'],
    ['month 13', '2030-13-01T09:00:00Z'],
    ['day 0', '2030-01-00T09:00:00Z'],
    ['an offset of 25 hours', '2030-01-07T09:00:00+25:00'],
    ['a date only', '2030-01-07'],
    ['a time only', '09:00:00Z'],
    ['words', 'next tuesday'],
    ['an empty string', ''],
    ['spaces around', ' 2030-01-07T09:00:00Z '],
    ['an SQL fragment', "2030-01-07T09:00:00Z' OR '1'='1"],
    ['an interval', 'infinity'],
  ];
  for (const [what, value] of dates) {
    add(
      gqlAttack(
        'invalid dates',
        `${what} in createBooking`,
        CREATE_BOOKING,
        () => ({ i: { workspaceId: target.workspaceId, startsAt: value, endsAt: slot(22, 10).endsAt } }),
        asMember,
      ),
    );
    add(gqlAttack('invalid dates', `${what} in isAvailable`, AVAILABLE, () => ({ id: target.workspaceId, s: value, e: slot(22, 10).endsAt })));
    add(gqlAttack('invalid dates', `${what} in bookingReport`, REPORT, () => ({ f: value, t: slot(1, 0).startsAt }), asAdmin));
  }
  add(
    gqlAttack(
      'invalid dates',
      'a literal without an offset',
      `{ bookingReport(from: "2030-01-01T00:00:00", to: "2030-01-02T00:00:00Z") { bookingsCreated } }`,
      () => ({}),
      asAdmin,
    ),
  );
  add(gqlAttack('invalid dates', 'a literal number', `{ bookingReport(from: 0, to: 1) { bookingsCreated } }`, () => ({}), asAdmin));
  add(
    gqlAttack(
      'invalid dates',
      'the far future (valid)',
      AVAILABLE,
      () => ({ id: target.workspaceId, s: '9999-12-31T22:00:00Z', e: '9999-12-31T23:00:00Z' }),
      () => ({}),
      (data) => expect(data.workspace.isAvailable).toBe(true),
    ),
  );
  add(gqlAttack('invalid dates', 'a report over ten thousand years', REPORT, () => ({ f: '0001-01-01T00:00:00Z', t: '9999-12-31T00:00:00Z' }), asAdmin));
  add(
    gqlAttack(
      'invalid dates',
      'a booking of 31 days',
      CREATE_BOOKING,
      () => ({ i: { workspaceId: target.workspaceId, startsAt: slot(23, 0).startsAt, endsAt: slot(54, 1).startsAt } }),
      asMember,
    ),
  );

  // 12. Invalid and malformed ids
  const ids = [
    "' OR 1=1 --",
    '1; DROP TABLE booking; --',
    "' UNION SELECT email, password_hash FROM credential --",
    '../../../../etc/passwd',
    '..\\..\\windows\\win.ini',
    '%2e%2e%2f%2e%2e%2fetc%2fpasswd',
    'x'.repeat(10_000),
    '00000000-0000-0000-0000-000000000000',
    '{00000000-0000-4000-8000-000000000000}',
    '00000000-0000-4000-8000-00000000000g',
    ' 00000000-0000-4000-8000-000000000000',
    '00000000000040008000000000000000',
    '١٢٣٤٥٦٧٨-١٢٣٤-٤١٢٣-٨١٢٣-١٢٣٤٥٦٧٨٩٠١٢',
    '$where: function() { return true }',
    '-1',
    '',
  ];
  const byIdQueries: [string, string, () => Record<string, string>][] = [
    ['workspace(id)', `query ($id: ID!) { workspace(id: $id) { id } }`, () => ({})],
    ['booking(id)', `query ($id: ID!) { booking(id: $id) { id } }`, asMember],
    ['payment(id)', `query ($id: ID!) { payment(id: $id) { id } }`, asMember],
    ['user(id) as admin', `query ($id: ID!) { user(id: $id) { id } }`, asAdmin],
  ];
  const byIdMutations: [string, string, (id: string) => Record<string, unknown>, () => Record<string, string>][] = [
    ['cancelBooking', `mutation ($id: ID!) { cancelBooking(id: $id) { id } }`, (id) => ({ id }), asMember],
    ['archiveWorkspace', `mutation ($id: ID!) { archiveWorkspace(id: $id) { id } }`, (id) => ({ id }), asAdmin],
    ['updateWorkspace', `mutation ($id: ID!) { updateWorkspace(id: $id, input: { name: "N" }) { id } }`, (id) => ({ id }), asAdmin],
    ['setUserRole', `mutation ($id: ID!) { setUserRole(userId: $id, role: MEMBER) { id } }`, (id) => ({ id }), asAdmin],
    ['createBooking workspaceId', CREATE_BOOKING, (id) => ({ i: { workspaceId: id, ...slot(24, 9) } }), asMember],
  ];
  for (const id of ids) {
    const label = JSON.stringify(id.length > 40 ? `${id.slice(0, 20)}…(${id.length})` : id);
    for (const [name, query, headers] of byIdQueries)
      add(
        gqlAttack(
          'invalid ids',
          `${name} with ${label}`,
          query,
          () => ({ id }),
          headers,
          (data) => expect(Object.values(data)).toEqual([null]),
        ),
      );
    for (const [name, query, vars, headers] of byIdMutations) add(gqlAttack('invalid ids', `${name} with ${label}`, query, () => vars(id), headers));
  }
  add(gqlAttack('invalid ids', 'an id as a number literal', `{ booking(id: 12345) { id } }`, () => ({}), asMember, isNullAt('booking')));
  add(
    gqlAttack('invalid ids', 'another target.member id in user(id)', `query ($id: ID!) { user(id: $id) { email } }`, () => ({ id: target.admin.id }), asMember),
  );
  add(
    gqlAttack(
      'invalid ids',
      'an upper-case uuid for cancelBooking (same booking, not another)',
      `mutation ($id: ID!) { cancelBooking(id: $id) { id } }`,
      () => ({ id: '00000000-0000-4000-8000-0000000000AA' }),
      asMember,
    ),
  );
}
