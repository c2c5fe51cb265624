import { asGateway, asService, initTestApp } from '@wsb/kernel/src/testing';
import { createNotificationSubgraph } from '../src/subgraph';
import { CapturingMailer, message, SEND, settled, type App } from './helpers';

const ada = asGateway({ id: '00000000-0000-4000-8000-00000000000a' });
const bob = asGateway({ id: '00000000-0000-4000-8000-00000000000b' });
const admin = asGateway({ id: '00000000-0000-4000-8000-000000000001', role: 'ADMIN' });
const mailer = new CapturingMailer();
let app: App;
const sent: Record<string, { id: string }[]> = { ada: [], bob: [] };

const MINE = 'query ($first: Int) { myNotifications(first: $first) { id subject status failureReason user { id } } }';
const ENTITIES = `query ($r: [_Any!]!, $first: Int) { _entities(representations: $r) {
  ... on Notification { id subject }
  ... on User { id notifications(first: $first) { id } }
} }`;

async function send(userId: string, subject: string) {
  const { data } = await app.run(SEND, message(userId, { subject }), asService('booking'));
  return { id: data._sendNotification.id as string };
}

beforeAll(async () => {
  app = await initTestApp(createNotificationSubgraph({ mailer }), { config: { notifyMaxAttempts: 2, notifyRetryBaseMs: 5 } });
  for (const subject of ['A1', 'A2', 'A3']) sent.ada.unshift(await send(ada.user!.id, subject)); // newest first
  mailer.failures = Infinity;
  sent.bob.unshift(await send(bob.user!.id, 'B1'));
  await settled(app);
});
afterAll(async () => {
  await app.close();
});

describe('_sendNotification', () => {
  it.each([
    ['the gateway (an admin)', admin],
    ['the gateway (the user)', ada],
    ['another service', asService('payment')],
  ])('refuses %s', async (_label, identity) => {
    const variables = message(ada.user!.id);
    const { errors } = await app.run(SEND, variables, identity);
    expect(errors?.[0]).toMatchObject({ message: 'You are not allowed to do this.', extensions: { code: 'FORBIDDEN' } });
    const rows = await app.orm.em.fork().getConnection().execute('select 1 from notification where dedupe_key = ?', [variables.input.dedupeKey]);
    expect(rows).toEqual([]);
  });
});

describe('myNotifications', () => {
  it("lists only the signed-in user's notifications, newest first", async () => {
    const { data, errors } = await app.run(MINE, {}, ada);
    expect(errors).toBeUndefined();
    expect(data.myNotifications.map((n: any) => n.subject)).toEqual(['A3', 'A2', 'A1']);
    expect(data.myNotifications[0]).toMatchObject({ id: sent.ada[0].id, status: 'SENT', failureReason: null, user: { id: ada.user!.id } });
    expect((await app.run(MINE, { first: 2 }, ada)).data.myNotifications.map((n: any) => n.subject)).toEqual(['A3', 'A2']);
    expect((await app.run(MINE, { first: 0 }, ada)).data.myNotifications).toEqual([]);
  });

  it('shows why a delivery failed', async () => {
    const { data } = await app.run(MINE, {}, bob);
    expect(data.myNotifications).toEqual([
      { id: sent.bob[0].id, subject: 'B1', status: 'FAILED', failureReason: 'mailbox unavailable (550)', user: { id: bob.user!.id } },
    ]);
  });

  it('refuses an anonymous caller and a page size outside 0..100', async () => {
    expect((await app.run(MINE, {}, asGateway())).errors?.[0]).toMatchObject({
      message: 'You must be signed in to do this.',
      extensions: { code: 'UNAUTHENTICATED' },
    });
    for (const first of [-1, 101]) {
      expect((await app.run(MINE, { first }, ada)).errors?.[0]).toMatchObject({
        message: 'first must be between 0 and 100.',
        extensions: { code: 'BAD_USER_INPUT', field: 'first' },
      });
    }
  });
});

describe('_entities', () => {
  it('resolves Notification for its user, an admin and a service, and refuses another member', async () => {
    const r = [
      { __typename: 'Notification', id: sent.ada[0].id },
      { __typename: 'Notification', id: 'nope' },
    ];
    const expected = [{ id: sent.ada[0].id, subject: 'A3' }, null];
    for (const identity of [ada, admin, asService('booking')]) {
      expect(await app.run(ENTITIES, { r }, identity)).toEqual({ data: { _entities: expected } });
    }
    const leaked = await app.run(ENTITIES, { r: r.slice(0, 1) }, bob);
    expect(leaked.data?._entities).toEqual([null]);
    expect(leaked.errors?.[0].extensions.code).toBe('FORBIDDEN');
  });

  it('resolves User { notifications } for the user themself and an admin, in one query', async () => {
    const users = [ada.user!.id, bob.user!.id, '00000000-0000-4000-8000-0000000000cc'].map((id) => ({ __typename: 'User', id }));
    const execute = jest.spyOn(app.orm.em.getConnection(), 'execute');
    const { data, errors } = await app.run(ENTITIES, { r: users, first: 2 }, admin);
    expect(execute).toHaveBeenCalledTimes(1);
    execute.mockRestore();
    expect(errors).toBeUndefined();
    expect(data._entities).toEqual([
      { id: ada.user!.id, notifications: sent.ada.slice(0, 2) },
      { id: bob.user!.id, notifications: sent.bob },
      { id: '00000000-0000-4000-8000-0000000000cc', notifications: [] },
    ]);
    const own = await app.run(ENTITIES, { r: users.slice(0, 1) }, ada);
    expect(own.data._entities).toEqual([{ id: ada.user!.id, notifications: sent.ada }]);
  });

  it("refuses another member's User.notifications", async () => {
    const { data, errors } = await app.run(ENTITIES, { r: [{ __typename: 'User', id: ada.user!.id }] }, bob);
    expect(data?._entities).toEqual([null]);
    expect(errors?.[0]).toMatchObject({ path: ['_entities', 0, 'notifications'], extensions: { code: 'FORBIDDEN' } });
  });
});
