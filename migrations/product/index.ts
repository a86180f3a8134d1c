import type { MigrationObject } from '@mikro-orm/core';

/** The product service's migrations, oldest first. */
export const productMigrations: MigrationObject[] = [];
