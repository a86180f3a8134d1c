import { Migration } from '@mikro-orm/migrations';

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
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists processed_events');
    this.addSql('drop trigger if exists outbox_notify on outbox');
    this.addSql('drop function if exists outbox_notify()');
    this.addSql('drop table if exists outbox');
    this.addSql('drop table if exists stock_reservations');
  }
}
