import { Migration } from '@mikro-orm/migrations';

/**
 * The relay claims events with a lease (claimed_until) in a statement of its own and delivers them
 * outside any transaction; a relay that dies mid-delivery leaves the lease to run out, and the
 * event is delivered again. The partial index serves the relay's "due and unclaimed" look-up and
 * the pruning of old published events.
 */
export class Migration20261202000000_outbox_claims extends Migration {
  override async up(): Promise<void> {
    this.addSql('alter table outbox_event add column claimed_until timestamptz(3) null');
    this.addSql('create index outbox_event_published_at on outbox_event (published_at) where published_at is not null');
  }

  override async down(): Promise<void> {
    this.addSql('drop index outbox_event_published_at');
    this.addSql('alter table outbox_event drop column claimed_until');
  }
}
