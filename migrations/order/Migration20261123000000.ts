import { Migration } from '@mikro-orm/migrations';

/**
 * The order saga: the transactional outbox the order events leave through, the processed-event
 * record of the consumer of stock, payment and delivery events, and the index the expiry sweep
 * scans (only unpaid orders, oldest first, so the sweep stays cheap however many orders exist).
 */
export class Migration20261123000000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table outbox (
    id uuid primary key,
    position bigserial not null constraint outbox_position_unique unique,
    topic varchar(200) not null,
    message_key varchar(200) not null,
    type varchar(100) not null,
    payload jsonb not null,
    created_at timestamptz not null default now(),
    published_at timestamptz null
  )`);
    this.addSql('create index outbox_unpublished_index on outbox (position) where published_at is null');
    this.addSql(`create function outbox_notify() returns trigger language plpgsql as $$
    begin
      perform pg_notify('outbox', '');
      return null;
    end
  $$`);
    this.addSql(
      'create trigger outbox_notify after insert on outbox for each statement execute function outbox_notify()',
    );
    this.addSql(`create table processed_events (
    consumer varchar(100) not null,
    event_id uuid not null,
    processed_at timestamptz not null default now(),
    primary key (consumer, event_id)
  )`);
    this.addSql(
      `create index orders_unpaid_created_at_index on orders (created_at) where status in ('PENDING', 'AWAITING_PAYMENT')`,
    );
  }

  override async down(): Promise<void> {
    this.addSql('drop index if exists orders_unpaid_created_at_index');
    this.addSql('drop table if exists processed_events');
    this.addSql('drop trigger if exists outbox_notify on outbox');
    this.addSql('drop function if exists outbox_notify()');
    this.addSql('drop table if exists outbox');
  }
}
