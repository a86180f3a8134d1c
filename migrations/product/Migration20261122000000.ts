import { Migration } from '@mikro-orm/migrations';

/**
 * Catalog: categories and products with stock on hand / reserved. Check constraints make
 * overselling and negative prices impossible whatever the code does.
 */
export class Migration20261122000000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table categories (
        id uuid not null,
        slug varchar(64) not null,
        name varchar(100) not null,
        description text not null default '',
        constraint categories_pkey primary key (id),
        constraint categories_slug_unique unique (slug)
      )`);
    this.addSql(`
      create table products (
        id uuid not null,
        sku varchar(64) not null,
        name varchar(200) not null,
        description text not null default '',
        price_amount int not null,
        price_currency varchar(3) not null,
        category_id uuid not null,
        stock_on_hand int not null,
        stock_reserved int not null default 0,
        created_at timestamptz(3) not null default now(),
        updated_at timestamptz(3) not null default now(),
        constraint products_pkey primary key (id),
        constraint products_sku_unique unique (sku),
        constraint products_category_id_foreign foreign key (category_id)
          references categories (id) on update cascade,
        constraint products_price_amount_check check (price_amount >= 0),
        constraint products_stock_reserved_check check (stock_reserved >= 0),
        constraint products_stock_on_hand_check check (stock_on_hand >= stock_reserved)
      )`);
    // One index per sort order of the keyset pagination (the id breaks ties), and the category page.
    this.addSql('create index products_name_id_index on products (name, id)');
    this.addSql('create index products_price_amount_id_index on products (price_amount, id)');
    this.addSql('create index products_created_at_id_index on products (created_at, id)');
    this.addSql('create index products_category_id_name_id_index on products (category_id, name, id)');
    // Name search is `ILIKE '%term%'`: a trigram index serves it when pg_trgm can be installed.
    // Without it the same index name holds a plain index, so the schema (and the ORM's view of
    // it) is identical on every server and search just scans.
    this.addSql(`
      do $$
      begin
        begin
          create extension if not exists pg_trgm;
        exception when others then
          raise notice 'pg_trgm is unavailable (%); product search will scan', sqlerrm;
        end;
        if exists (select 1 from pg_extension where extname = 'pg_trgm') then
          create index products_name_search_index on products using gin (name gin_trgm_ops);
        else
          create index products_name_search_index on products (name);
        end if;
      end
      $$`);
  }

  override async down(): Promise<void> {
    // pg_trgm stays: other objects in the database may use it.
    this.addSql('drop table if exists products');
    this.addSql('drop table if exists categories');
  }
}
