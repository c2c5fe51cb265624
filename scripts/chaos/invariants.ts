/**
 * What must hold once a chaos run has settled, checked in each subgraph's own database against
 * what the clients were told. Each result names its offending rows, so a failure says what broke.
 */
import type { Platform } from '../../test/support/platform';

/** What the clients did and were answered. */
export interface ClientLedger {
  requests: {
    userId: string;
    key: string;
    input: Record<string, unknown>;
    /** CONFIRMED (with bookingId), an error code, or GAVE_UP (no final answer before the drain ended). */
    answer: { outcome: string; bookingId?: string; reason?: string };
    retried: boolean;
  }[];
  /** Booking id → the cancel's outcome (CANCELLED, an error code, or GAVE_UP). */
  cancels: Map<string, string>;
  replays: { userId: string; key: string; expected: string; got: string }[];
}

export interface InvariantResult {
  name: string;
  ok: boolean;
  checked: number;
  /** At most a few offending rows, and how many there were. */
  offending: unknown[];
  violations: number;
}

interface BookingRow {
  id: string;
  user_id: string;
  workspace_id: string;
  status: string;
  cancellation_reason: string | null;
  idempotency_key: string | null;
}
interface PaymentRow {
  id: string;
  booking_id: string;
  status: string;
}

const SHOWN = 10;

function result(name: string, checked: number, offending: unknown[]): InvariantResult {
  return { name, ok: offending.length === 0, checked, offending: offending.slice(0, SHOWN), violations: offending.length };
}

const groupBy = <T>(rows: T[], key: (row: T) => string) => {
  const map = new Map<string, T[]>();
  for (const row of rows) map.set(key(row), [...(map.get(key(row)) ?? []), row]);
  return map;
};

/** Nothing left in flight: no PENDING booking, no outbox event waiting to go out. */
export async function settled(platform: Platform): Promise<boolean> {
  const [{ pending, unpublished }] = await platform.sql<{ pending: number; unpublished: number }>(
    'booking',
    `select (select count(*)::int from booking where status = 'PENDING') as pending,
            (select count(*)::int from outbox_event where published_at is null) as unpublished`,
  );
  return pending === 0 && unpublished === 0;
}

export async function checkInvariants(platform: Platform, ledger: ClientLedger): Promise<InvariantResult[]> {
  const [bookings, payments, notices, activities, overlaps, outbox] = await Promise.all([
    platform.sql<BookingRow>('booking', `select id, user_id, workspace_id, status, cancellation_reason, idempotency_key from booking`),
    platform.sql<PaymentRow>('payment', `select id, booking_id, status from payment`),
    platform.sql<{ kind: string; booking_id: string; status: string }>(
      'notification',
      `select kind, split_part(dedupe_key, ':', 2) as booking_id, status from notification where kind in ('BOOKING_CONFIRMED', 'BOOKING_CANCELLED')`,
    ),
    platform.sql<{ kind: string; booking_id: string }>('reporting', `select kind, booking_id from activity`),
    platform.sql(
      'booking',
      `select a.id as a, b.id as b, a.workspace_id, a.status as a_status, b.status as b_status,
              a.starts_at as a_starts, a.ends_at as a_ends, b.starts_at as b_starts, b.ends_at as b_ends
         from booking a join booking b
           on a.workspace_id = b.workspace_id and a.id < b.id
          and tstzrange(a.starts_at, a.ends_at, '[)') && tstzrange(b.starts_at, b.ends_at, '[)')
        where a.status <> 'CANCELLED' and b.status <> 'CANCELLED'`,
    ),
    platform.sql('booking', `select id, type, payload ->> 'bookingId' as booking_id, attempts, last_error from outbox_event where published_at is null`),
  ]);
  const byId = new Map(bookings.map((b) => [b.id, b]));
  const paymentsOf = groupBy(payments, (p) => p.booking_id);
  const noticesOf = groupBy(notices, (n) => `${n.kind}:${n.booking_id}`);
  const activitiesOf = groupBy(activities, (a) => `${a.kind}:${a.booking_id}`);
  const count = (map: Map<string, unknown[]>, key: string) => map.get(key)?.length ?? 0;
  const confirmed = bookings.filter((b) => b.status === 'CONFIRMED');
  // Confirmed at some point: still CONFIRMED, or cancelled by its owner or an admin afterwards.
  const everConfirmed = bookings.filter((b) => b.status === 'CONFIRMED' || /^CANCELLED_BY_/.test(b.cancellation_reason ?? ''));
  const neverConfirmed = bookings.filter((b) => b.status === 'CANCELLED' && !/^CANCELLED_BY_/.test(b.cancellation_reason ?? ''));

  const results = [
    result('no two live bookings overlap', bookings.length, overlaps),
    result(
      'every CONFIRMED booking has exactly one payment, CAPTURED',
      confirmed.length,
      confirmed
        .filter((b) => count(paymentsOf, b.id) !== 1 || paymentsOf.get(b.id)![0].status !== 'CAPTURED')
        .map((b) => ({ booking: b, payments: paymentsOf.get(b.id) ?? [] })),
    ),
    result(
      'no captured payment for a cancelled or missing booking (it is refunded)',
      payments.length,
      payments
        .filter((p) => p.status === 'CAPTURED' && byId.get(p.booking_id)?.status !== 'CONFIRMED')
        .map((p) => ({ payment: p, booking: byId.get(p.booking_id) ?? null })),
    ),
    result(
      'no payment left PENDING (a charge never finished)',
      payments.length,
      payments.filter((p) => p.status === 'PENDING').map((p) => ({ payment: p, booking: byId.get(p.booking_id) ?? null })),
    ),
    result(
      'no PENDING booking after the sweep',
      bookings.length,
      bookings.filter((b) => b.status === 'PENDING'),
    ),
    result('no outbox event left undelivered', bookings.length, outbox),
    result(
      'every confirmed booking has one confirmation notice and one activity row (a cancelled one, one of each for the cancellation too)',
      everConfirmed.length,
      everConfirmed
        .map((b) => {
          const kinds = b.status === 'CONFIRMED' ? ['CREATED'] : ['CREATED', 'CANCELLED'];
          return {
            booking: b,
            notices: Object.fromEntries(
              kinds.map((k) => [`BOOKING_${k === 'CREATED' ? 'CONFIRMED' : k}`, count(noticesOf, `BOOKING_${k === 'CREATED' ? 'CONFIRMED' : k}:${b.id}`)]),
            ),
            activities: Object.fromEntries(kinds.map((k) => [`BOOKING_${k}`, count(activitiesOf, `BOOKING_${k}:${b.id}`)])),
          };
        })
        .filter((r) => [...Object.values(r.notices), ...Object.values(r.activities)].some((n) => n !== 1)),
    ),
    result(
      'no notice or activity for a booking that was never confirmed',
      neverConfirmed.length,
      neverConfirmed
        .map((b) => ({ booking: b, notices: notices.filter((n) => n.booking_id === b.id), activities: activities.filter((a) => a.booking_id === b.id) }))
        .filter((r) => r.notices.length || r.activities.length),
    ),
    result(
      'every booking a client was answered CONFIRMED is stored, and confirmed unless the client cancelled it',
      ledger.requests.filter((r) => r.answer.bookingId).length,
      ledger.requests
        .filter((r) => r.answer.bookingId)
        .map((r) => ({ request: r, cancel: ledger.cancels.get(r.answer.bookingId!) ?? null, stored: byId.get(r.answer.bookingId!) ?? null }))
        .filter(({ cancel, stored }) => {
          if (!stored) return true;
          if (cancel === 'CANCELLED') return stored.status !== 'CANCELLED';
          // A cancel without a final answer may or may not have happened.
          if (cancel === 'GAVE_UP') return stored.status === 'PENDING';
          return stored.status !== 'CONFIRMED';
        }),
    ),
    result(
      'no live booking behind a request answered with an error',
      ledger.requests.filter((r) => !r.answer.bookingId && r.answer.outcome !== 'GAVE_UP').length,
      ledger.requests
        .filter((r) => !r.answer.bookingId && r.answer.outcome !== 'GAVE_UP')
        .map((r) => ({ request: r, live: bookings.filter((b) => b.user_id === r.userId && b.idempotency_key === r.key && b.status !== 'CANCELLED') }))
        .filter((r) => r.live.length),
    ),
    result(
      'every replay answers the same booking id',
      ledger.replays.length,
      ledger.replays.filter((r) => r.got !== r.expected && r.got !== 'GAVE_UP'),
    ),
    result('every request got a final answer once the services were back', ledger.requests.length + ledger.replays.length + ledger.cancels.size, [
      ...ledger.requests.filter((r) => r.answer.outcome === 'GAVE_UP'),
      ...ledger.replays.filter((r) => r.got === 'GAVE_UP'),
      ...[...ledger.cancels].filter(([, outcome]) => outcome === 'GAVE_UP').map(([bookingId]) => ({ cancel: bookingId })),
    ]),
  ];
  return results;
}
