import type { MigrationObject } from '@mikro-orm/core';

/** The order service's migrations, oldest first. */
export const orderMigrations: MigrationObject[] = [];
