import { Migration } from '@mikro-orm/migrations';

export class Migration20261126000000_admin_audit extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table admin_audit_entry (
        id uuid primary key,
        actor_id uuid not null,
        action varchar(100) not null check (length(action) > 0),
        target varchar(300) not null check (length(target) > 0),
        created_at timestamptz(3) not null
      )`);
    this.addSql('create index admin_audit_entry_created_at_idx on admin_audit_entry (created_at desc, id desc)');
  }

  override async down(): Promise<void> {
    this.addSql('drop table admin_audit_entry');
  }
}
