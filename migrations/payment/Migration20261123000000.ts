import { Migration } from '@mikro-orm/migrations';
import {
  createOutboxSql,
  createProcessedEventsSql,
  dropOutboxSql,
  dropProcessedEventsSql,
} from '../shared/event-tables.v1';

/**
 * The payment side of the order saga: the outbox of payment events, the record of order events
 * applied, and the read model of payable orders kept from those events.
 */
export class Migration20261123000000 extends Migration {
  override async up(): Promise<void> {
    for (const sql of [...createOutboxSql, ...createProcessedEventsSql]) this.addSql(sql);
    this.addSql(`
      create table payable_orders (
        order_id uuid primary key,
        user_id uuid not null,
        amount integer not null,
        currency varchar(3) not null,
        status varchar(30) not null,
        order_version integer not null,
        updated_at timestamptz not null default now()
      )`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists payable_orders');
    for (const sql of [...dropProcessedEventsSql, ...dropOutboxSql]) this.addSql(sql);
  }
}
