import type { MigrationObject } from '@mikro-orm/core';

/** The delivery service's migrations, oldest first. */
export const deliveryMigrations: MigrationObject[] = [];
