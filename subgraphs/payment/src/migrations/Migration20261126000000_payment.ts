import { Migration } from '@mikro-orm/migrations';

export class Migration20261126000000_payment extends Migration {
  override async up(): Promise<void> {
    // booking_id is unique: `insert ... on conflict (booking_id) do nothing` makes creation
    // idempotent and race-free. The checks keep the timestamps in step with the status.
    this.addSql(`
      create table payment (
        id uuid primary key,
        booking_id uuid not null,
        user_id uuid not null,
        amount integer not null check (amount >= 0),
        currency char(3) not null check (currency ~ '^[A-Z]{3}$'),
        status varchar(10) not null check (status in ('PENDING', 'CAPTURED', 'FAILED', 'REFUNDED')),
        provider_ref varchar(200) null,
        created_at timestamptz(3) not null,
        captured_at timestamptz(3) null,
        refunded_at timestamptz(3) null,
        constraint payment_booking_id_unique unique (booking_id),
        constraint payment_captured_check check (status not in ('CAPTURED', 'REFUNDED') or captured_at is not null),
        constraint payment_refunded_check check ((status = 'REFUNDED') = (refunded_at is not null))
      )`);
    this.addSql('create index payment_user_id_idx on payment (user_id)');
    // _revenueSince sums captured payments from a point in time.
    this.addSql(`create index payment_captured_created_at_idx on payment (created_at) where status = 'CAPTURED'`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table payment');
  }
}
