import { Migration } from '@mikro-orm/migrations';

/** The cart side of the order saga: the record of order events applied (the cart publishes none). */
export class Migration20261123000100 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table processed_events (
    consumer varchar(100) not null,
    event_id uuid not null,
    processed_at timestamptz not null default now(),
    primary key (consumer, event_id)
  )`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists processed_events');
  }
}
