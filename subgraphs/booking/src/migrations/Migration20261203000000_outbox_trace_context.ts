import { Migration } from '@mikro-orm/migrations';

/**
 * The trace context (W3C traceparent/tracestate) of the request that wrote an event, so its
 * delivery, however much later and by whichever relay, continues that request's trace. Null when
 * tracing was off.
 */
export class Migration20261203000000_outbox_trace_context extends Migration {
  override async up(): Promise<void> {
    this.addSql('alter table outbox_event add column trace_context jsonb null');
  }

  override async down(): Promise<void> {
    this.addSql('alter table outbox_event drop column trace_context');
  }
}
