import { Migration } from '@mikro-orm/migrations';

export class Migration20261126000000_notification extends Migration {
  override async up(): Promise<void> {
    // dedupe_key is unique: `insert ... on conflict (dedupe_key) do nothing` makes sending
    // idempotent however many requests race.
    this.addSql(`
      create table notification (
        id uuid primary key,
        user_id uuid not null,
        channel varchar(5) not null check (channel in ('EMAIL', 'SMS')),
        kind varchar(64) not null,
        recipient varchar(320) not null,
        subject varchar(200) not null,
        body text not null,
        status varchar(6) not null check (status in ('QUEUED', 'SENT', 'FAILED')),
        failure_reason varchar(500) null,
        attempts integer not null default 0 check (attempts >= 0),
        dedupe_key varchar(200) not null,
        created_at timestamptz(3) not null,
        sent_at timestamptz(3) null,
        updated_at timestamptz(3) not null,
        constraint notification_dedupe_key_unique unique (dedupe_key),
        constraint notification_sent_check check ((status = 'SENT') = (sent_at is not null))
      )`);
    // myNotifications and User.notifications: a user's newest first.
    this.addSql('create index notification_user_created_idx on notification (user_id, created_at desc, id desc)');
    // The sweep for orphaned deliveries looks only at queued rows.
    this.addSql(`create index notification_queued_idx on notification (updated_at) where status = 'QUEUED'`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table notification');
  }
}
