import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261122000000 } from './Migration20261122000000';
import { Migration20261123000000 } from './Migration20261123000000';
import { Migration20261202100000 } from './Migration20261202100000';

/** The product service's migrations, oldest first. */
export const productMigrations: MigrationObject[] = [
  { name: 'Migration20261122000000', class: Migration20261122000000 },
  { name: 'Migration20261123000000', class: Migration20261123000000 },
  { name: 'Migration20261202100000', class: Migration20261202100000 },
];
