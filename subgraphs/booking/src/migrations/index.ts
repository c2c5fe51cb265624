import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261126000000_booking } from './Migration20261126000000_booking';
import { Migration20261202000000_outbox_claims } from './Migration20261202000000_outbox_claims';
import { Migration20261203000000_outbox_trace_context } from './Migration20261203000000_outbox_trace_context';

/** Applied in this order; listed explicitly so migrations work the same under tsx, jest and tsc. */
export const migrations: MigrationObject[] = [
  { name: 'Migration20261126000000_booking', class: Migration20261126000000_booking },
  { name: 'Migration20261202000000_outbox_claims', class: Migration20261202000000_outbox_claims },
  { name: 'Migration20261203000000_outbox_trace_context', class: Migration20261203000000_outbox_trace_context },
];
