import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261125000100_user_profile } from './Migration20261125000100_user_profile';

/** Applied in this order; listed explicitly so migrations work the same under tsx, jest and tsc. */
export const migrations: MigrationObject[] = [{ name: 'Migration20261125000100_user_profile', class: Migration20261125000100_user_profile }];
