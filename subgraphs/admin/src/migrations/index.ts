import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261126000000_admin_audit } from './Migration20261126000000_admin_audit';

/** Applied in this order; listed explicitly so migrations work the same under tsx, jest and tsc. */
export const migrations: MigrationObject[] = [{ name: 'Migration20261126000000_admin_audit', class: Migration20261126000000_admin_audit }];
