import { Migration } from '@mikro-orm/migrations';

export class Migration20261125000100_user_profile extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table user_profile (
        id uuid primary key,
        email varchar(254) not null check (email = lower(email)),
        name varchar(100) not null,
        role varchar(10) not null default 'MEMBER' check (role in ('MEMBER', 'ADMIN')),
        created_at timestamptz(3) not null,
        updated_at timestamptz(3) not null
      )`);
    this.addSql('create unique index user_profile_email_key on user_profile (email)');
    this.addSql('create index user_profile_created_at_idx on user_profile (created_at desc, id desc)');
  }

  override async down(): Promise<void> {
    this.addSql('drop table user_profile');
  }
}
