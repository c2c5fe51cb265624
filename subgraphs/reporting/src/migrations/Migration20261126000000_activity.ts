import { Migration } from '@mikro-orm/migrations';

export class Migration20261126000000_activity extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table activity (
        id uuid primary key,
        kind varchar(30) not null check (kind in ('BOOKING_CREATED', 'BOOKING_CANCELLED')),
        booking_id uuid not null,
        user_id uuid not null,
        workspace_id uuid not null,
        starts_at timestamptz(3) not null,
        ends_at timestamptz(3) not null,
        amount integer not null check (amount >= 0),
        currency char(3) not null,
        at timestamptz(3) not null,
        created_at timestamptz(3) not null,
        check (starts_at < ends_at),
        -- A redelivered event hits this and is ignored, so each event is recorded once.
        constraint activity_kind_booking_id_key unique (kind, booking_id)
      )`);
    this.addSql('create index activity_created_at_idx on activity (created_at desc, id desc)');
    // Reports count events by time and look for bookings overlapping a range.
    this.addSql('create index activity_at_idx on activity (at)');
    this.addSql("create index activity_period_idx on activity (starts_at, ends_at) where kind = 'BOOKING_CREATED'");
    // The unique key leads with kind; the "was it cancelled?" lookup is by booking_id alone.
    this.addSql('create index activity_booking_id_idx on activity (booking_id)');
  }

  override async down(): Promise<void> {
    this.addSql('drop table activity');
  }
}
