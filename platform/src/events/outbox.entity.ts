import { EntitySchema } from '@mikro-orm/postgresql';

/**
 * A row of the transactional outbox: written in the same transaction as the state change it
 * announces, published to Kafka by the relay after commit. Default `publishedAt`: null.
 */
export class OutboxMessage {
  /** The event id. */
  id: string;
  topic: string;
  /** Kafka message key (the order id). */
  messageKey: string;
  type: string;
  payload: unknown;
  createdAt: Date = new Date();
  publishedAt: Date | null = null;
  /** Insertion order, so the relay publishes in commit order within a key. */
  position?: string;
  /** W3C trace context of the operation that wrote the row, continued by the relay. Default: null. */
  traceparent: string | null = null;
  tracestate: string | null = null;

  constructor(id: string, topic: string, messageKey: string, type: string, payload: unknown) {
    this.id = id;
    this.topic = topic;
    this.messageKey = messageKey;
    this.type = type;
    this.payload = payload;
  }
}

export const OutboxMessageSchema = new EntitySchema<OutboxMessage>({
  class: OutboxMessage,
  tableName: 'outbox',
  properties: {
    id: { type: 'uuid', primary: true },
    position: { type: 'bigint', autoincrement: true, unique: 'outbox_position_unique' },
    topic: { type: 'string', length: 200 },
    messageKey: { type: 'string', length: 200 },
    type: { type: 'string', length: 100 },
    payload: { type: 'json' },
    createdAt: { type: 'datetime', columnType: 'timestamptz', defaultRaw: 'now()' },
    publishedAt: { type: 'datetime', columnType: 'timestamptz', nullable: true },
    traceparent: { type: 'text', nullable: true },
    tracestate: { type: 'text', nullable: true },
  },
  indexes: [
    {
      name: 'outbox_unpublished_index',
      expression: 'create index outbox_unpublished_index on outbox (position) where published_at is null',
    },
  ],
});

/** One row per (consumer, event) applied: the idempotency record, committed with the effect. */
export class ProcessedEvent {
  consumer: string;
  eventId: string;
  processedAt: Date = new Date();

  constructor(consumer: string, eventId: string) {
    this.consumer = consumer;
    this.eventId = eventId;
  }
}

export const ProcessedEventSchema = new EntitySchema<ProcessedEvent>({
  class: ProcessedEvent,
  tableName: 'processed_events',
  properties: {
    consumer: { type: 'string', length: 100, primary: true },
    eventId: { type: 'uuid', primary: true },
    processedAt: { type: 'datetime', columnType: 'timestamptz', defaultRaw: 'now()' },
  },
});
