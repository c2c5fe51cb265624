import { Migration } from '@mikro-orm/migrations';

export class Migration20261126000000_booking extends Migration {
  override async up(): Promise<void> {
    // btree_gist lets one GiST exclusion constraint combine "same workspace" (=) with "ranges overlap" (&&).
    this.addSql('create extension if not exists btree_gist');
    this.addSql(`
      create table booking (
        id uuid primary key,
        user_id uuid not null,
        workspace_id uuid not null,
        starts_at timestamptz(3) not null,
        ends_at timestamptz(3) not null,
        attendees integer not null check (attendees >= 1),
        status varchar(10) not null check (status in ('PENDING', 'CONFIRMED', 'CANCELLED')),
        price_amount integer not null check (price_amount >= 0),
        price_currency char(3) not null,
        idempotency_key varchar(200) null,
        request_hash char(64) null,
        cancelled_at timestamptz(3) null,
        cancellation_reason varchar(40) null,
        created_at timestamptz(3) not null,
        updated_at timestamptz(3) not null,
        constraint booking_starts_before_ends check (starts_at < ends_at),
        constraint booking_cancelled_at_iff_cancelled check ((status = 'CANCELLED') = (cancelled_at is not null)),
        -- NULL keys never collide, so bookings without a key are unaffected.
        constraint booking_user_idempotency_key_unique unique (user_id, idempotency_key),
        -- The overlap rule lives here, not in application code, so no race can break it: the loser
        -- of two concurrent inserts gets SQLSTATE 23P01 (BOOKING_CONFLICT). Half-open ranges let
        -- one booking end exactly when the next begins. PENDING holds the slot while payment runs.
        constraint booking_no_overlap exclude using gist (
          workspace_id with =,
          tstzrange(starts_at, ends_at, '[)') with &&
        ) where (status <> 'CANCELLED')
      )`);
    this.addSql('create index booking_user_created_at_idx on booking (user_id, created_at desc, id desc)');
    this.addSql(`create index booking_confirmed_ends_at_idx on booking (ends_at) where status = 'CONFIRMED'`);
    this.addSql(`create index booking_pending_created_at_idx on booking (created_at) where status = 'PENDING'`);

    this.addSql(`
      create table outbox_event (
        id uuid primary key,
        type varchar(64) not null,
        payload jsonb not null,
        created_at timestamptz(3) not null default now(),
        published_at timestamptz(3) null,
        attempts integer not null default 0,
        next_attempt_at timestamptz(3) not null default now(),
        last_error text null
      )`);
    // The relay only ever reads due, unpublished rows.
    this.addSql('create index outbox_event_due_idx on outbox_event (next_attempt_at) where published_at is null');
  }

  override async down(): Promise<void> {
    this.addSql('drop table outbox_event');
    this.addSql('drop table booking');
  }
}
