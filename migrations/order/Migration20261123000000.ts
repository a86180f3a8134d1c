import { Migration } from '@mikro-orm/migrations';
import {
  createOutboxSql,
  createProcessedEventsSql,
  dropOutboxSql,
  dropProcessedEventsSql,
} from '../shared/event-tables.v1';

/**
 * The order saga: the transactional outbox the order events leave through, the processed-event
 * record of the consumer of stock, payment and delivery events, and the index the expiry sweep
 * scans (only unpaid orders, oldest first, so the sweep stays cheap however many orders exist).
 */
export class Migration20261123000000 extends Migration {
  override async up(): Promise<void> {
    for (const sql of [...createOutboxSql, ...createProcessedEventsSql]) this.addSql(sql);
    this.addSql(
      `create index orders_unpaid_created_at_index on orders (created_at) where status in ('PENDING', 'AWAITING_PAYMENT')`,
    );
  }

  override async down(): Promise<void> {
    this.addSql('drop index if exists orders_unpaid_created_at_index');
    for (const sql of [...dropProcessedEventsSql, ...dropOutboxSql]) this.addSql(sql);
  }
}
