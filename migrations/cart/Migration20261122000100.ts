import { Migration } from '@mikro-orm/migrations';

/** Carts (one per user) and their lines (one per product, positive quantity). */
export class Migration20261122000100 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table carts (
        id uuid not null,
        user_id uuid not null,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        constraint carts_pkey primary key (id),
        constraint carts_user_id_unique unique (user_id)
      )`);
    this.addSql(`
      create table cart_items (
        id uuid not null,
        cart_id uuid not null,
        product_id uuid not null,
        quantity int not null,
        added_at timestamptz not null default now(),
        constraint cart_items_pkey primary key (id),
        constraint cart_items_cart_id_product_id_unique unique (cart_id, product_id),
        constraint cart_items_cart_id_foreign foreign key (cart_id)
          references carts (id) on update cascade on delete cascade,
        constraint cart_items_quantity_check check (quantity > 0)
      )`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists cart_items');
    this.addSql('drop table if exists carts');
  }
}
