import { Migration } from '@mikro-orm/migrations';
import { createProcessedEventsSql, dropProcessedEventsSql } from '../shared/event-tables.v1';

/** The cart side of the order saga: the record of order events applied (the cart publishes none). */
export class Migration20261123000100 extends Migration {
  override async up(): Promise<void> {
    for (const sql of createProcessedEventsSql) this.addSql(sql);
  }

  override async down(): Promise<void> {
    for (const sql of dropProcessedEventsSql) this.addSql(sql);
  }
}
