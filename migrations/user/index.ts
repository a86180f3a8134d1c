import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261121000000 } from './Migration20261121000000';

/** The user service's migrations, oldest first. */
export const userMigrations: MigrationObject[] = [
  { name: 'Migration20261121000000', class: Migration20261121000000 },
];
