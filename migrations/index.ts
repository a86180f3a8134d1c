/**
 * Each service's migrations. Migrations are frozen SQL: a past migration never imports code that
 * may change later, so an applied migration means the same thing on every database for ever.
 */
export { cartMigrations } from './cart';
export { deliveryMigrations } from './delivery';
export { orderMigrations } from './order';
export { paymentMigrations } from './payment';
export { productMigrations } from './product';
export { userMigrations } from './user';
