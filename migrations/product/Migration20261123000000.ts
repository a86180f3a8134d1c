import { Migration } from '@mikro-orm/migrations';
import {
  createOutboxSql,
  createProcessedEventsSql,
  dropOutboxSql,
  dropProcessedEventsSql,
} from '../shared/event-tables.v1';

/**
 * The product side of the order saga: one stock reservation per order, the outbox of stock
 * events and the record of order events applied.
 */
export class Migration20261123000000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table stock_reservations (
        order_id uuid primary key,
        status text not null
          constraint stock_reservations_status_check check (status in ('RESERVED', 'RELEASED', 'SOLD', 'REJECTED')),
        lines jsonb not null,
        version int not null default 1,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      )`);
    for (const sql of [...createOutboxSql, ...createProcessedEventsSql]) this.addSql(sql);
  }

  override async down(): Promise<void> {
    for (const sql of [...dropProcessedEventsSql, ...dropOutboxSql]) this.addSql(sql);
    this.addSql('drop table if exists stock_reservations');
  }
}
