/** Each service's migrations (MikroORM records the applied names in its own database). */
export { cartMigrations } from './cart';
export { deliveryMigrations } from './delivery';
export { orderMigrations } from './order';
export { paymentMigrations } from './payment';
export { productMigrations } from './product';
export { userMigrations } from './user';
export * from './shared/events';
