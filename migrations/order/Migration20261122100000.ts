import { Migration } from '@mikro-orm/migrations';

/**
 * Orders with their items and status history. An order's idempotency key is unique per user
 * (several orders without a key are fine: nulls are distinct), and each history row carries the
 * order version it produced, unique per order.
 */
export class Migration20261122100000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table orders (
        id uuid primary key,
        user_id uuid not null,
        status text not null default 'PENDING'
          constraint orders_status_check
          check (status in ('PENDING', 'AWAITING_PAYMENT', 'PAID', 'SHIPPED', 'DELIVERED', 'CANCELLED')),
        cancellation_reason text null
          constraint orders_cancellation_reason_check
          check (cancellation_reason in ('OUT_OF_STOCK', 'CUSTOMER_REQUEST', 'PAYMENT_TIMEOUT', 'PAYMENT_FAILED', 'ADMIN')),
        total_amount int not null,
        currency varchar(3) not null,
        shipping_address text not null,
        idempotency_key varchar(100) null,
        created_at timestamptz(3) not null,
        updated_at timestamptz(3) not null,
        version int not null default 1,
        constraint orders_user_idempotency_key_unique unique (user_id, idempotency_key)
      )`);
    // Order history: a user's orders newest first, with the id as the keyset tie-breaker.
    this.addSql('create index orders_user_created_at_index on orders (user_id, created_at desc, id)');

    this.addSql(`
      create table order_items (
        id uuid primary key,
        order_id uuid not null
          constraint order_items_order_id_foreign references orders (id) on update cascade on delete cascade,
        product_id uuid not null,
        product_name varchar(200) not null,
        quantity int not null constraint order_items_quantity_check check (quantity > 0),
        unit_price_amount int not null
          constraint order_items_unit_price_amount_check check (unit_price_amount >= 0),
        currency varchar(3) not null
      )`);
    this.addSql('create index order_items_order_id_index on order_items (order_id)');

    this.addSql(`
      create table order_status_changes (
        id uuid primary key,
        order_id uuid not null
          constraint order_status_changes_order_id_foreign references orders (id) on update cascade on delete cascade,
        status text not null
          constraint order_status_changes_status_check
          check (status in ('PENDING', 'AWAITING_PAYMENT', 'PAID', 'SHIPPED', 'DELIVERED', 'CANCELLED')),
        previous_status text null
          constraint order_status_changes_previous_status_check
          check (previous_status in ('PENDING', 'AWAITING_PAYMENT', 'PAID', 'SHIPPED', 'DELIVERED', 'CANCELLED')),
        reason text null
          constraint order_status_changes_reason_check
          check (reason in ('OUT_OF_STOCK', 'CUSTOMER_REQUEST', 'PAYMENT_TIMEOUT', 'PAYMENT_FAILED', 'ADMIN')),
        version int not null,
        occurred_at timestamptz(3) not null,
        constraint order_status_changes_order_version_unique unique (order_id, version)
      )`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists order_status_changes');
    this.addSql('drop table if exists order_items');
    this.addSql('drop table if exists orders');
  }
}
