import type { MigrationObject } from '@mikro-orm/core';

/** The payment service's migrations, oldest first. */
export const paymentMigrations: MigrationObject[] = [];
