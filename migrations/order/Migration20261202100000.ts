import { Migration } from '@mikro-orm/migrations';
import { addOutboxTraceContextSql, dropOutboxTraceContextSql } from '../shared/event-tables.v2';

/** The outbox keeps the trace context of the operation that wrote each row (tracing across Kafka). */
export class Migration20261202100000 extends Migration {
  override async up(): Promise<void> {
    for (const sql of addOutboxTraceContextSql) this.addSql(sql);
  }

  override async down(): Promise<void> {
    for (const sql of dropOutboxTraceContextSql) this.addSql(sql);
  }
}
