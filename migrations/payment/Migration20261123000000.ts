import { Migration } from '@mikro-orm/migrations';

/**
 * The payment side of the order saga: the outbox of payment events, the record of order events
 * applied, and the read model of payable orders kept from those events.
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
    this.addSql('drop table if exists processed_events');
    this.addSql('drop trigger if exists outbox_notify on outbox');
    this.addSql('drop function if exists outbox_notify()');
    this.addSql('drop table if exists outbox');
  }
}
