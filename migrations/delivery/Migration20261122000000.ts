import { Migration } from '@mikro-orm/migrations';

/** Deliveries (one per order) and their tracking events (one per status reached). */
export class Migration20261122000000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table deliveries (
        id uuid primary key,
        order_id uuid not null,
        user_id uuid not null,
        status text not null default 'CREATED'
          constraint deliveries_status_check check (status in ('CREATED', 'IN_TRANSIT', 'DELIVERED', 'CANCELLED')),
        source varchar(500) not null,
        destination varchar(500) not null,
        created_at timestamptz not null default now(),
        shipped_at timestamptz null,
        delivered_at timestamptz null,
        cancelled_at timestamptz null,
        updated_at timestamptz not null default now()
      )`);
    // One delivery per order: creating it again (a redelivered event) finds the existing one.
    this.addSql('create unique index deliveries_order_id_unique on deliveries (order_id)');
    this.addSql('create index deliveries_created_at_id_index on deliveries (created_at, id)');
    this.addSql('create index deliveries_status_created_at_id_index on deliveries (status, created_at, id)');
    this.addSql('create index deliveries_user_id_index on deliveries (user_id)');

    this.addSql(`
      create table tracking_events (
        id uuid primary key,
        delivery_id uuid not null
          constraint tracking_events_delivery_id_foreign references deliveries (id) on update cascade,
        status text not null
          constraint tracking_events_status_check check (status in ('CREATED', 'IN_TRANSIT', 'DELIVERED', 'CANCELLED')),
        note varchar(500) null,
        occurred_at timestamptz not null
      )`);
    this.addSql(
      'create unique index tracking_events_delivery_id_status_unique on tracking_events (delivery_id, status)',
    );
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists tracking_events');
    this.addSql('drop table if exists deliveries');
  }
}
