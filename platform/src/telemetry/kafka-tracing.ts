import { SpanStatusCode, type Attributes, type Context } from '@opentelemetry/api';
import {
  contextFromStored,
  eventAttributes,
  SpanKind,
  startSpan,
  traceHeaders,
  type StoredTraceContext,
} from './trace-context';

/** The service a span was recorded in, named on spans of the saga (several may share a process). */
export const SERVICE_ATTRIBUTE = 'marketplace.service';

/** Messaging attributes (OpenTelemetry semantic conventions): where a message is, never what it says. */
export function messageAttributes(position: {
  topic: string;
  partition?: number;
  offset?: string;
  service?: string;
}): Attributes {
  const attributes: Attributes = {
    'messaging.system': 'kafka',
    'messaging.destination.name': position.topic,
  };
  if (position.partition !== undefined)
    attributes['messaging.destination.partition.id'] = String(position.partition);
  if (position.offset !== undefined) attributes['messaging.kafka.offset'] = Number(position.offset);
  if (position.service !== undefined) attributes[SERVICE_ATTRIBUTE] = position.service;
  return attributes;
}

/** An outbox row as the relay reads it: ids and the stored trace context. */
interface PublishedRow extends StoredTraceContext {
  id: string;
  topic: string;
  message_key: string;
  type: string;
}

export interface PublishSpan {
  /** Headers carrying this span's context to consumers. */
  headers: Record<string, string>;
  fail(error: unknown): void;
  end(): void;
}

/**
 * The relay's producer span for one outbox row: a child of the operation that wrote the row (its
 * stored context), so the publish — however much later — belongs to that operation's trace.
 */
export function publishSpan(row: PublishedRow, service: string | undefined): PublishSpan {
  const span = startSpan(`publish ${row.topic}`, {
    kind: SpanKind.PRODUCER,
    parent: contextFromStored(row),
    attributes: {
      ...messageAttributes({ topic: row.topic, service }),
      'messaging.operation.type': 'send',
      ...eventAttributes({ eventId: row.id, type: row.type, orderId: row.message_key }),
    },
  });
  return {
    headers: traceHeaders(span),
    fail: (error) =>
      span.setStatus({
        code: SpanStatusCode.ERROR,
        message: error instanceof Error ? error.message : undefined,
      }),
    end: () => span.end(),
  };
}

/** Span options of a consumer's handling of one message, a child of the publisher's span. */
export function consumeSpanOptions(
  parent: Context,
  position: { topic: string; partition: number; offset: string; service: string },
  event?: { eventId: string; type: string; orderId: string },
) {
  return {
    kind: SpanKind.CONSUMER,
    parent,
    attributes: {
      ...messageAttributes(position),
      'messaging.operation.type': 'process',
      ...(event ? eventAttributes(event) : {}),
    },
  };
}
