import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261126000000_activity } from './Migration20261126000000_activity';

/** Applied in this order; listed explicitly so migrations work the same under tsx, jest and tsc. */
export const migrations: MigrationObject[] = [{ name: 'Migration20261126000000_activity', class: Migration20261126000000_activity }];
