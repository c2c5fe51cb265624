import { Migration } from '@mikro-orm/migrations';

export class Migration20261125000000_workspace extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table workspace (
        id uuid primary key,
        name varchar(200) not null,
        description text null,
        kind varchar(20) not null check (kind in ('DESK', 'MEETING_ROOM', 'PRIVATE_OFFICE')),
        capacity integer not null check (capacity between 1 and 10000),
        hourly_rate_amount integer not null check (hourly_rate_amount >= 0),
        hourly_rate_currency char(3) not null,
        timezone varchar(64) not null,
        active boolean not null default true,
        created_at timestamptz(3) not null,
        updated_at timestamptz(3) not null
      )`);
    this.addSql('create index workspace_created_at_idx on workspace (created_at desc, id desc)');
  }

  override async down(): Promise<void> {
    this.addSql('drop table workspace');
  }
}
