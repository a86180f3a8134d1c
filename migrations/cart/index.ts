import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261122000100 } from './Migration20261122000100';
import { Migration20261123000100 } from './Migration20261123000100';

/** The cart service's migrations, oldest first. */
export const cartMigrations: MigrationObject[] = [
  { name: 'Migration20261122000100', class: Migration20261122000100 },
  { name: 'Migration20261123000100', class: Migration20261123000100 },
];
