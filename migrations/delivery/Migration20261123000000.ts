import { Migration } from '@mikro-orm/migrations';
import {
  createOutboxSql,
  createProcessedEventsSql,
  dropOutboxSql,
  dropProcessedEventsSql,
} from '../shared/event-tables.v1';

/** The delivery side of the order saga: the outbox of delivery events and the record of order events applied. */
export class Migration20261123000000 extends Migration {
  override async up(): Promise<void> {
    for (const sql of [...createOutboxSql, ...createProcessedEventsSql]) this.addSql(sql);
  }

  override async down(): Promise<void> {
    for (const sql of [...dropProcessedEventsSql, ...dropOutboxSql]) this.addSql(sql);
  }
}
