/**
 * FROZEN. The event tables every emitting or consuming service created in its November 2026
 * migrations: the transactional outbox (with a NOTIFY trigger so the relay wakes on commit) and
 * the processed-event record of idempotent consumers. Applied migrations import this file, so it
 * must never change (`migrations/checksums.test.ts` fails if it does): a new shape of these
 * tables is a new migration with its own SQL (or an `event-tables.v2.ts`). It imports nothing.
 */
export const createOutboxSql: readonly string[] = [
  `create table outbox (
    id uuid primary key,
    position bigserial not null constraint outbox_position_unique unique,
    topic varchar(200) not null,
    message_key varchar(200) not null,
    type varchar(100) not null,
    payload jsonb not null,
    created_at timestamptz not null default now(),
    published_at timestamptz null
  )`,
  'create index outbox_unpublished_index on outbox (position) where published_at is null',
  `create function outbox_notify() returns trigger language plpgsql as $$
    begin
      perform pg_notify('outbox', '');
      return null;
    end
  $$`,
  // Per statement, not per row: one wake-up per transaction batch is enough.
  'create trigger outbox_notify after insert on outbox for each statement execute function outbox_notify()',
];

export const dropOutboxSql: readonly string[] = [
  'drop trigger if exists outbox_notify on outbox',
  'drop function if exists outbox_notify()',
  'drop table if exists outbox',
];

export const createProcessedEventsSql: readonly string[] = [
  `create table processed_events (
    consumer varchar(100) not null,
    event_id uuid not null,
    processed_at timestamptz not null default now(),
    primary key (consumer, event_id)
  )`,
];

export const dropProcessedEventsSql: readonly string[] = ['drop table if exists processed_events'];
