import { Migration } from '@mikro-orm/migrations';

export class Migration20261125000200_auth extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table credential (
        id uuid primary key,
        email varchar(254) not null check (email = lower(email)),
        password_hash text not null,
        created_at timestamptz(3) not null
      )`);
    this.addSql('create unique index credential_email_key on credential (email)');

    this.addSql(`
      create table refresh_token (
        id uuid primary key,
        user_id uuid not null references credential (id) on delete cascade,
        family_id uuid not null,
        token_hash char(64) not null,
        expires_at timestamptz(3) not null,
        used_at timestamptz(3) null,
        revoked_at timestamptz(3) null,
        created_at timestamptz(3) not null
      )`);
    this.addSql('create unique index refresh_token_token_hash_key on refresh_token (token_hash)');
    this.addSql('create index refresh_token_family_id_idx on refresh_token (family_id)');
    this.addSql('create index refresh_token_user_id_idx on refresh_token (user_id)');

    this.addSql(`
      create table login_attempt (
        id uuid primary key,
        email varchar(254) not null,
        succeeded boolean not null,
        created_at timestamptz(3) not null
      )`);
    this.addSql('create index login_attempt_email_idx on login_attempt (email, created_at desc)');
  }

  override async down(): Promise<void> {
    this.addSql('drop table login_attempt');
    this.addSql('drop table refresh_token');
    this.addSql('drop table credential');
  }
}
