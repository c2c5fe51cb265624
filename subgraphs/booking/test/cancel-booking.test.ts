import { DependencyUnavailableError } from '@wsb/kernel';
import { Booking } from '../src/entities/booking.entity';
import { ALICE, CANCEL, CREATE, admin, alice, bob, hourFromNow, iso, plus, startBookingApp, waitFor, type Harness } from './helpers';

let h: Harness;
beforeAll(async () => {
  h = await startBookingApp();
});
afterAll(() => h.close());

const HOUR = 3600_000;
let hoursAhead = 24;

async function book(): Promise<{ id: string; workspaceId: string; startsAt: Date }> {
  const workspaceId = h.addWorkspace({ name: 'Vega', timezone: 'America/New_York' });
  const startsAt = hourFromNow((hoursAhead += 2));
  const { data, errors } = await h.app.run(CREATE, { input: { workspaceId, startsAt: iso(startsAt), endsAt: iso(plus(startsAt, HOUR)) } }, alice);
  expect(errors).toBeUndefined();
  return { id: data.createBooking.id, workspaceId, startsAt };
}
const refundsFor = (id: string) => h.callsTo('payment', '_refundPayment').filter((c) => c.variables.bookingId === id);
const noticesFor = (id: string) => h.inputsTo('notification', '_sendNotification').filter((c) => c.variables.input.dedupeKey === `BOOKING_CANCELLED:${id}`);

describe('cancelBooking', () => {
  it('lets the owner cancel: refund first, then CANCELLED, the slot freed and the cancellation announced', async () => {
    const { id, workspaceId, startsAt } = await book();
    const { data, errors } = await h.app.run(CANCEL, { id }, alice);
    expect(errors).toBeUndefined();
    expect(data.cancelBooking).toMatchObject({ id, status: 'CANCELLED', cancelledAt: expect.any(String) });
    expect(refundsFor(id).map((c) => c.variables)).toEqual([{ bookingId: id }]);
    const [row] = await h.sql('select status, cancellation_reason from booking where id = ?', [id]);
    expect(row).toEqual({ status: 'CANCELLED', cancellation_reason: 'CANCELLED_BY_USER' });

    await waitFor(async () => noticesFor(id).length === 1, 1000);
    expect(noticesFor(id)[0].variables.input).toMatchObject({
      userId: ALICE,
      recipient: 'alice@example.com',
      kind: 'BOOKING_CANCELLED',
      channel: 'EMAIL',
    });
    // One day (…, 10:00–11:00 GMT-5), or two when the hour crosses midnight in New York (…, 23:00 GMT-5 – …, 00:00 GMT-5).
    const day = String.raw`\w{3}, \d{1,2} \w{3} \d{4}`;
    expect(noticesFor(id)[0].variables.input.subject).toMatch(
      new RegExp(String.raw`^Booking cancelled: Vega, ${day}, \d\d:\d\d(–|\sGMT-[45]\s–\s${day}, )\d\d:\d\d GMT-[45]$`),
    );
    const activity = h
      .inputsTo('reporting', '_recordActivit')
      .filter((c) => c.variables.input.bookingId === id)
      .map((c) => c.variables.input.kind);
    expect(activity).toEqual(['BOOKING_CREATED', 'BOOKING_CANCELLED']);

    const rebook = await h.app.run(CREATE, { input: { workspaceId, startsAt: iso(startsAt), endsAt: iso(plus(startsAt, HOUR)) } }, bob);
    expect(rebook.data.createBooking.status).toBe('CONFIRMED');
  });

  it('cancelling twice returns the cancelled booking: one refund, one notice', async () => {
    const { id } = await book();
    const first = (await h.app.run(CANCEL, { id }, alice)).data.cancelBooking;
    const second = await h.app.run(CANCEL, { id }, alice);
    expect(second.errors).toBeUndefined();
    expect(second.data.cancelBooking).toEqual(first);
    expect(refundsFor(id)).toHaveLength(1);
    await waitFor(async () => noticesFor(id).length === 1, 1000);
    expect(await h.sql(`select count(*)::int as n from outbox_event where type = 'booking.cancelled' and payload ->> 'bookingId' = ?`, [id])).toEqual([
      { n: 1 },
    ]);
  });

  it('concurrent cancels write one cancellation event', async () => {
    const { id } = await book();
    const results = await Promise.all([1, 2, 3].map(() => h.app.run(CANCEL, { id }, alice)));
    expect(results.map((r) => r.data?.cancelBooking.status)).toEqual(['CANCELLED', 'CANCELLED', 'CANCELLED']);
    expect(await h.sql(`select count(*)::int as n from outbox_event where type = 'booking.cancelled' and payload ->> 'bookingId' = ?`, [id])).toEqual([
      { n: 1 },
    ]);
  });

  it("refuses another member's booking with FORBIDDEN and leaves it untouched", async () => {
    const { id } = await book();
    const { data, errors } = await h.app.run(CANCEL, { id }, bob);
    expect(data).toBeNull();
    expect(errors?.[0]).toMatchObject({ message: 'This belongs to another user.', extensions: { code: 'FORBIDDEN' } });
    expect(refundsFor(id)).toHaveLength(0);
    expect((await h.sql('select status from booking where id = ?', [id]))[0].status).toBe('CONFIRMED');
  });

  it('lets an admin cancel any booking', async () => {
    const { id } = await book();
    const { data } = await h.app.run(CANCEL, { id }, admin);
    expect(data.cancelBooking.status).toBe('CANCELLED');
    expect(refundsFor(id)).toHaveLength(1);
    expect((await h.sql('select cancellation_reason from booking where id = ?', [id]))[0].cancellation_reason).toBe('CANCELLED_BY_ADMIN');
    await waitFor(async () => noticesFor(id).length === 1, 1000);
    expect(noticesFor(id)[0].variables.input.body).toContain('cancelled by an administrator');
  });

  it('keeps the booking CONFIRMED when the refund fails, and tells the client', async () => {
    const { id } = await book();
    const original = h.world.refundPayment;
    h.world.refundPayment = () => {
      throw new DependencyUnavailableError('payment');
    };
    try {
      const { errors } = await h.app.run(CANCEL, { id }, alice);
      expect(errors?.[0]).toMatchObject({ extensions: { code: 'DEPENDENCY_UNAVAILABLE', service: 'payment' } });
    } finally {
      h.world.refundPayment = original;
    }
    expect((await h.sql('select status, cancelled_at from booking where id = ?', [id]))[0]).toEqual({ status: 'CONFIRMED', cancelled_at: null });
    expect(await h.sql(`select id from outbox_event where type = 'booking.cancelled' and payload ->> 'bookingId' = ?`, [id])).toEqual([]);
    // Once payment is back, the same cancel works.
    expect((await h.app.run(CANCEL, { id }, alice)).data.cancelBooking.status).toBe('CANCELLED');
  });

  it('refuses a booking that has ended', async () => {
    const em = h.app.orm.em.fork();
    const past = em.create(Booking, {
      userId: ALICE,
      workspaceId: h.addWorkspace(),
      startsAt: hourFromNow(-5),
      endsAt: hourFromNow(-4),
      status: 'CONFIRMED',
      priceAmount: 2500,
      priceCurrency: 'EUR',
    });
    await em.flush();
    const { errors } = await h.app.run(CANCEL, { id: past.id }, alice);
    expect(errors?.[0]).toMatchObject({ message: 'A booking that has ended cannot be cancelled.', extensions: { code: 'BAD_USER_INPUT' } });
    expect(refundsFor(past.id)).toHaveLength(0);
  });

  it('answers malformed and unknown ids', async () => {
    const malformed = await h.app.run(CANCEL, { id: 'b-1' }, alice);
    expect(malformed.errors?.[0]).toMatchObject({ message: 'id is not a valid id.', extensions: { code: 'BAD_USER_INPUT' } });
    const unknown = await h.app.run(CANCEL, { id: '00000000-0000-4000-8000-00000000ffff' }, alice);
    expect(unknown.errors?.[0]).toMatchObject({
      message: 'Booking 00000000-0000-4000-8000-00000000ffff was not found.',
      extensions: { code: 'NOT_FOUND' },
    });
    const { id } = await book();
    expect((await h.app.run(CANCEL, { id }, { caller: 'gateway' })).errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
  });
});
