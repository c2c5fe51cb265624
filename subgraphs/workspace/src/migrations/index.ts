import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261125000000_workspace } from './Migration20261125000000_workspace';

/** Applied in this order; listed explicitly so migrations work the same under tsx, jest and tsc. */
export const migrations: MigrationObject[] = [{ name: 'Migration20261125000000_workspace', class: Migration20261125000000_workspace }];
