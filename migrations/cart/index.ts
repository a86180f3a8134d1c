import type { MigrationObject } from '@mikro-orm/core';

/** The cart service's migrations, oldest first. */
export const cartMigrations: MigrationObject[] = [];
