import { asGateway, asService, initTestApp, waitFor } from '@wsb/kernel/src/testing';
import { createNotificationSubgraph } from '../src/subgraph';
import { CapturingMailer, CapturingSms, message, row, SEND, settled, type App } from './helpers';

const booking = asService('booking');
const userId = '00000000-0000-4000-8000-000000000002';
const mailer = new CapturingMailer();
const sms = new CapturingSms();
const BASE_MS = 20;
let app: App;

beforeAll(async () => {
  app = await initTestApp(createNotificationSubgraph({ mailer, sms }), { config: { notifyMaxAttempts: 3, notifyRetryBaseMs: BASE_MS } });
});
afterAll(async () => {
  await app.close();
});
beforeEach(() => mailer.reset());

const SEND_MANY = 'mutation ($inputs: [SendNotificationInput!]!) { _sendNotifications(inputs: $inputs) }';

describe("_sendNotifications (the relay's batch)", () => {
  it('records and sends each input once, a redelivered batch sends nothing again, and an invalid input is refused alone', async () => {
    const tag = Math.random().toString(36).slice(2);
    const inputs = [0, 1, 2].map((i) => message(userId, { dedupeKey: `BATCH:${tag}:${i}`, subject: `Batch ${i}` }).input);
    const bad = { ...inputs[1], dedupeKey: `BATCH:${tag}:bad`, recipient: 'not an address' };
    const batch = [inputs[0], bad, inputs[1], inputs[2]];
    const first = await app.run(SEND_MANY, { inputs: batch }, booking);
    expect(first.errors).toBeUndefined();
    expect(first.data._sendNotifications).toEqual([null, 'input.recipient must be one email address for an EMAIL notification.', null, null]);
    await settled(app);
    expect(mailer.sent.map((m) => m.subject)).toEqual(['Batch 0', 'Batch 1', 'Batch 2']);
    for (const input of inputs) expect(await row(app, input.dedupeKey)).toMatchObject({ status: 'SENT', attempts: 1 });
    expect(await row(app, bad.dedupeKey)).toBeUndefined();
    // The same batch again (the relay retrying after a lost answer), with one key twice: nothing new.
    const again = await app.run(SEND_MANY, { inputs: [...inputs, inputs[0]] }, booking);
    expect(again.data._sendNotifications).toEqual([null, null, null, null]);
    await settled(app);
    expect(mailer.sent).toHaveLength(3);
    const [{ n }] = await app.orm.em
      .fork()
      .getConnection()
      .execute('select count(*)::int as n from notification where dedupe_key like ?', [`BATCH:${tag}:%`]);
    expect(n).toBe(3);
  });

  it("keeps the batch's order in the user's list (a cancellation after its confirmation)", async () => {
    const someone = '00000000-0000-4000-8000-0000000000b7';
    const inputs = ['BOOKING_CONFIRMED', 'BOOKING_CANCELLED'].map((kind) => message(someone, { kind, dedupeKey: `${kind}:${Math.random()}` }).input);
    await app.run(SEND_MANY, { inputs }, booking);
    const { data } = await app.run('{ myNotifications { kind } }', {}, asGateway({ id: someone }));
    expect(data.myNotifications.map((n: { kind: string }) => n.kind)).toEqual(['BOOKING_CANCELLED', 'BOOKING_CONFIRMED']);
  });

  it('retries a failed send of a batch on its own, and is for the booking subgraph only', async () => {
    mailer.failures = 1;
    const inputs = [0, 1].map((i) => message(userId, { dedupeKey: `RETRY:${Math.random()}`, subject: `Retry ${i}` }).input);
    await app.run(SEND_MANY, { inputs }, booking);
    await settled(app);
    const stored = await Promise.all(inputs.map((input) => row(app, input.dedupeKey)));
    expect(stored.map((r) => r?.status)).toEqual(['SENT', 'SENT']);
    expect(stored.map((r) => r?.attempts).sort()).toEqual([1, 2]);
    const refused = await app.run(SEND_MANY, { inputs }, asService('payment'));
    expect(refused.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });
});

describe('_sendNotification', () => {
  it('records the notification, sends the email and answers SENT', async () => {
    const variables = message(userId);
    const { data, errors } = await app.run(SEND, variables, booking);
    expect(errors).toBeUndefined();
    expect(data._sendNotification).toMatchObject({
      status: 'SENT',
      channel: 'EMAIL',
      kind: 'BOOKING_CONFIRMED',
      subject: 'Your booking is confirmed',
      failureReason: null,
      user: { id: userId },
    });
    expect(mailer.sent).toEqual([{ to: 'ada@example.com', subject: 'Your booking is confirmed', text: 'Orion, 1 December 2026, 09:00 to 11:00.' }]);
    const stored = await row(app, variables.input.dedupeKey);
    expect(stored).toMatchObject({ id: data._sendNotification.id, status: 'SENT', attempts: 1, failure_reason: null });
    expect(stored?.sent_at).toEqual(new Date(data._sendNotification.sentAt));
  });

  it('answers a repeated dedupeKey with the first notification and does not send again', async () => {
    const variables = message(userId);
    const first = (await app.run(SEND, variables, booking)).data._sendNotification;
    const again = await app.run(SEND, { input: { ...variables.input, subject: 'Changed' } }, booking);
    expect(again.data._sendNotification).toEqual(first);
    expect(mailer.sent).toHaveLength(1);
    const count = await app.orm.em
      .fork()
      .getConnection()
      .execute('select count(*)::int as n from notification where dedupe_key = ?', [variables.input.dedupeKey]);
    expect(count).toEqual([{ n: 1 }]);
  });

  it('sends once for ten concurrent requests with one dedupeKey', async () => {
    const variables = message(userId);
    const results = await Promise.all(Array.from({ length: 10 }, () => app.run(SEND, variables, booking)));
    expect(new Set(results.map((r) => r.data._sendNotification.id)).size).toBe(1);
    await settled(app);
    expect(mailer.sent).toHaveLength(1);
    expect(await row(app, variables.input.dedupeKey)).toMatchObject({ status: 'SENT', attempts: 1 });
  });

  it('retries with exponential backoff and ends FAILED with the trimmed error', async () => {
    mailer.failures = Infinity;
    const variables = message(userId);
    const { data } = await app.run(SEND, variables, booking);
    // The first attempt failed inside the request; the retries run after it answered.
    expect(data._sendNotification).toMatchObject({ status: 'QUEUED', failureReason: 'mailbox unavailable (550)', sentAt: null });
    await settled(app);
    expect(mailer.attempts).toHaveLength(3);
    const gaps = mailer.attempts.slice(1).map((t, i) => t - mailer.attempts[i]);
    expect(gaps[0]).toBeGreaterThanOrEqual(BASE_MS - 2);
    expect(gaps[1]).toBeGreaterThanOrEqual(2 * BASE_MS - 2);
    expect(await row(app, variables.input.dedupeKey)).toMatchObject({
      status: 'FAILED',
      attempts: 3,
      failure_reason: 'mailbox unavailable (550)',
      sent_at: null,
    });
    expect(mailer.sent).toHaveLength(0);
  });

  it('ends SENT on the second attempt when the first one fails', async () => {
    mailer.failures = 1;
    const variables = message(userId);
    expect((await app.run(SEND, variables, booking)).data._sendNotification.status).toBe('QUEUED');
    await settled(app);
    expect(await row(app, variables.input.dedupeKey)).toMatchObject({ status: 'SENT', attempts: 2, failure_reason: null });
    expect(mailer.sent).toHaveLength(1);
  });

  it('sends an SMS through the SMS sender', async () => {
    const variables = message(userId, { channel: 'SMS', recipient: '+4915112345678' });
    const { data } = await app.run(SEND, variables, booking);
    expect(data._sendNotification).toMatchObject({ status: 'SENT', channel: 'SMS' });
    expect(sms.sent).toEqual([{ to: '+4915112345678', text: 'Orion, 1 December 2026, 09:00 to 11:00.' }]);
    expect(mailer.sent).toHaveLength(0);
  });

  it.each([
    ['a malformed user id', { userId: 'nope' }, 'input.userId is not a valid id.'],
    ['two email recipients', { recipient: 'a@example.com, b@example.com' }, 'input.recipient must be one email address for an EMAIL notification.'],
    ['an SMS to an email address', { channel: 'SMS' }, 'input.recipient must be a phone number such as +4915112345678 for an SMS notification.'],
    ['a lower-case kind', { kind: 'confirmed' }, 'input.kind must be 1 to 64 upper-case letters, digits or _, e.g. BOOKING_CONFIRMED.'],
    ['a subject with a line break', { subject: 'Hi\r\nBcc: x@example.com' }, 'input.subject must be 1 to 200 characters on one line.'],
    ['an empty body', { body: '  ' }, 'input.body must be 1 to 10000 characters.'],
    ['an empty dedupeKey', { dedupeKey: '' }, 'input.dedupeKey must be 1 to 200 characters.'],
  ])('rejects %s', async (_label, patch, text) => {
    const { errors } = await app.run(SEND, message(userId, patch), booking);
    expect(errors?.[0]).toMatchObject({ message: text, extensions: { code: 'BAD_USER_INPUT' } });
    expect(mailer.attempts).toHaveLength(0);
  });
});

describe('shutdown and recovery', () => {
  it('stops pending retries on stop and finishes them after the next start', async () => {
    const flaky = new CapturingMailer();
    flaky.failures = 1;
    const other = await initTestApp(createNotificationSubgraph({ mailer: flaky }), { config: { notifyMaxAttempts: 4, notifyRetryBaseMs: 60_000 } });
    try {
      const variables = message(userId);
      expect((await other.run(SEND, variables, booking)).data._sendNotification.status).toBe('QUEUED');
      const started = Date.now();
      await other.services.delivery.stop(); // the retry would wait a minute: stop must not
      expect(Date.now() - started).toBeLessThan(1000);
      expect(await row(other, variables.input.dedupeKey)).toMatchObject({ status: 'QUEUED', attempts: 1 });

      // A later start (here: the same worker again) takes the stale row over and delivers it.
      await other.orm.em.fork().getConnection().execute(`update notification set updated_at = updated_at - interval '1 day'`);
      await other.services.delivery.start();
      await settled(other);
      expect(await row(other, variables.input.dedupeKey)).toMatchObject({ status: 'SENT', attempts: 2, failure_reason: null });
      expect(flaky.sent).toHaveLength(1);
    } finally {
      await other.close();
    }
  });

  it('settles an orphan whose last attempt never finished as FAILED', async () => {
    const variables = message(userId);
    mailer.failures = Infinity;
    await app.run(SEND, variables, booking);
    await settled(app);
    const em = app.orm.em.fork();
    // As if the instance died during the last attempt: claimed, never recorded.
    await em
      .getConnection()
      .execute(`update notification set status = 'QUEUED', failure_reason = null, updated_at = updated_at - interval '1 day' where dedupe_key = ?`, [
        variables.input.dedupeKey,
      ]);
    await app.services.delivery.sweep();
    await settled(app);
    expect(await row(app, variables.input.dedupeKey)).toMatchObject({
      status: 'FAILED',
      attempts: 3,
      failure_reason: 'Delivery was interrupted before it finished.',
    });
    expect(mailer.attempts).toHaveLength(3);
  });
});

describe('the database going away between a send and its record', () => {
  const sql = (text: string) => app.orm.em.fork().getConnection().execute(text);
  /** While table `name` has a row, an update of a notification matching `when` fails as during a database restart (57P01). */
  const outage = async (name: string, when: string) => {
    await sql(`create table if not exists ${name} (on_since timestamptz)`);
    await sql(`create or replace function ${name}_fail() returns trigger language plpgsql as $$
      begin
        if exists (select 1 from ${name}) then
          raise exception 'terminating connection due to administrator command' using errcode = '57P01';
        end if;
        return new;
      end $$`);
    await sql(`create or replace trigger ${name} before update on notification for each row when (${when}) execute function ${name}_fail()`);
  };
  // Recording a notification SENT fails while test_outage has a row.
  beforeAll(() => outage('test_outage', `new.status = 'SENT'`));
  afterAll(async () => {
    for (const name of ['test_outage', 'test_claim_outage']) {
      await sql(`drop trigger if exists ${name} on notification`);
      await sql(`drop table if exists ${name}`);
    }
  });

  it('claims again a first attempt the database was not there to claim, soon, not at the next sweep', async () => {
    // Claiming a first attempt fails while test_claim_outage has a row.
    await outage('test_claim_outage', 'old.attempts = 0 and new.attempts = 1');
    await sql(`insert into test_claim_outage values (now())`);
    const before = mailer.sent.length;
    const inputs = [0, 1].map((i) => message(userId, { dedupeKey: `CLAIM-OUTAGE:${Math.random()}`, subject: `Claim outage ${i}` }).input);
    expect((await app.run(SEND_MANY, { inputs }, booking)).errors).toBeUndefined();
    const one = message(userId, { dedupeKey: `CLAIM-OUTAGE:${Math.random()}`, subject: 'Claim outage 2' });
    expect((await app.run(SEND, { input: one.input }, booking)).errors).toBeUndefined();
    await new Promise((r) => setTimeout(r, 500)); // a few tries to claim them fail meanwhile
    for (const input of [...inputs, one.input]) expect(await row(app, input.dedupeKey)).toMatchObject({ status: 'QUEUED', attempts: 0 });
    expect(mailer.sent.length).toBe(before);
    await sql(`delete from test_claim_outage`);
    await settled(app); // no sweep: the retries alone
    for (const input of [...inputs, one.input]) expect(await row(app, input.dedupeKey)).toMatchObject({ status: 'SENT', attempts: 1 });
    expect(
      mailer.sent
        .slice(before)
        .map((m) => m.subject)
        .sort(),
    ).toEqual(['Claim outage 0', 'Claim outage 1', 'Claim outage 2']);
  });

  it('records what it sent once the database is back, so the sweep never sends it again', async () => {
    await sql(`insert into test_outage values (now())`);
    const inputs = [0, 1].map((i) => message(userId, { dedupeKey: `OUTAGE:${Math.random()}`, subject: `Outage ${i}` }).input);
    const answered = app.run(SEND_MANY, { inputs }, booking);
    await waitFor(() => mailer.sent.length === 2);
    await new Promise((r) => setTimeout(r, 500)); // a few tries to record them fail meanwhile
    for (const input of inputs) expect(await row(app, input.dedupeKey)).toMatchObject({ status: 'QUEUED', attempts: 1 });
    await sql(`delete from test_outage`);
    expect((await answered).errors).toBeUndefined();
    await settled(app);
    for (const input of inputs) expect(await row(app, input.dedupeKey)).toMatchObject({ status: 'SENT', attempts: 1 });
    expect(mailer.sent.map((m) => m.subject)).toEqual(['Outage 0', 'Outage 1']);
  });
});
