import { randomUUID } from 'node:crypto';
import { currentRequestId } from '../request-id';

/**
 * The envelope of every integration event: small, past-tense, versioned JSON.
 * `version` is the per-order sequence number assigned by the emitting aggregate, so consumers
 * (and live subscribers) can drop anything they have already seen.
 */
export interface IntegrationEvent<TType extends string = string, TPayload = unknown> {
  /** Unique id; consumers apply an event once per id. */
  eventId: string;
  /** Past-tense name, e.g. `OrderPlaced`. */
  type: TType;
  /** Schema version of `type`'s payload (starts at 1; bump on incompatible change). */
  schemaVersion: number;
  /** The order the event is about; also the Kafka message key, so one order's events stay in order. */
  orderId: string;
  /** Per-order sequence number of the emitting aggregate. */
  version: number;
  /** ISO 8601 time of the state change. */
  occurredAt: string;
  /** Emitting service. */
  source: string;
  /**
   * The id of the client request that started the work this event is part of (absent for work
   * no request started, e.g. a scheduled expiry): consumers log it, and events they emit carry it on.
   */
  requestId?: string;
  payload: TPayload;
}

export function createEvent<TType extends string, TPayload>(
  fields: Omit<
    IntegrationEvent<TType, TPayload>,
    'eventId' | 'occurredAt' | 'schemaVersion' | 'requestId'
  > & {
    schemaVersion?: number;
    occurredAt?: Date;
  },
): IntegrationEvent<TType, TPayload> {
  const requestId = currentRequestId();
  return {
    eventId: randomUUID(),
    type: fields.type,
    schemaVersion: fields.schemaVersion ?? 1,
    orderId: fields.orderId,
    version: fields.version,
    occurredAt: (fields.occurredAt ?? new Date()).toISOString(),
    source: fields.source,
    // The operation running now: a request, or a handler of an event a request caused.
    ...(requestId === undefined ? {} : { requestId }),
    payload: fields.payload,
  };
}

/** Why a message could not be parsed as an event (it goes to the dead-letter topic). */
export class MalformedEventError extends Error {}

export function parseEvent(raw: Buffer | null): IntegrationEvent {
  if (!raw) throw new MalformedEventError('empty message');
  let value: unknown;
  try {
    value = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new MalformedEventError('message is not JSON');
  }
  const event = value as Partial<IntegrationEvent>;
  if (
    typeof event !== 'object' ||
    event === null ||
    typeof event.eventId !== 'string' ||
    typeof event.type !== 'string' ||
    typeof event.orderId !== 'string' ||
    typeof event.version !== 'number' ||
    typeof event.schemaVersion !== 'number' ||
    typeof event.occurredAt !== 'string' ||
    (event.requestId !== undefined && typeof event.requestId !== 'string')
  ) {
    throw new MalformedEventError('message is not an integration event envelope');
  }
  return event as IntegrationEvent;
}

/** Kafka topics, one per emitting service; messages are keyed by order id. */
export const TOPICS = {
  order: 'marketplace.order.events',
  product: 'marketplace.product.events',
  payment: 'marketplace.payment.events',
  delivery: 'marketplace.delivery.events',
} as const;

export const deadLetterTopic = (topic: string): string => `${topic}.dlt`;
