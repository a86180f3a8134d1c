import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Span,
  type TextMapGetter,
} from '@opentelemetry/api';
import type { IHeaders } from 'kafkajs';
import type { IntegrationEvent } from '../events/envelope';

/**
 * The trace context's journey through the saga: captured with the outbox row, sent as Kafka
 * message headers by the relay, continued by each consumer. With tracing off every function here
 * is a cheap no-op (the API's propagator injects nothing and its tracer records nothing).
 */

const tracer = () => trace.getTracer('@marketplace/platform');

/** The W3C trace context stored with an outbox row; nulls when no span is active. */
export interface StoredTraceContext {
  traceparent: string | null;
  tracestate: string | null;
}

/** The active span's W3C context, to be stored with what it causes later (an outbox row). */
export function activeTraceContext(): StoredTraceContext {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return { traceparent: carrier.traceparent ?? null, tracestate: carrier.tracestate ?? null };
}

/** The context a stored trace context stands for (the root context when none was stored). */
export function contextFromStored(stored: StoredTraceContext): Context {
  if (!stored.traceparent) return ROOT_CONTEXT;
  const carrier: Record<string, string> = { traceparent: stored.traceparent };
  if (stored.tracestate) carrier.tracestate = stored.tracestate;
  return propagation.extract(ROOT_CONTEXT, carrier);
}

/** W3C headers (`traceparent`, `tracestate`) carrying `span`'s context on a Kafka message. */
export function traceHeaders(span: Span): Record<string, string> {
  const headers: Record<string, string> = {};
  propagation.inject(trace.setSpan(ROOT_CONTEXT, span), headers);
  return headers;
}

const kafkaHeaders: TextMapGetter<IHeaders | undefined> = {
  keys: (headers) => Object.keys(headers ?? {}),
  get: (headers, key) => {
    const raw = headers?.[key];
    const value = Array.isArray(raw) ? raw[0] : raw;
    return value === undefined ? undefined : value.toString();
  },
};

/** The publisher's context from a Kafka message's headers (the root context when absent). */
export const contextFromKafkaHeaders = (headers: IHeaders | undefined): Context =>
  propagation.extract(ROOT_CONTEXT, headers, kafkaHeaders);

/** Span attributes naming an event: ids and type only, never its payload (personal data). */
export const eventAttributes = (
  event: Pick<IntegrationEvent, 'eventId' | 'type' | 'orderId'>,
): Attributes => ({
  'messaging.message.id': event.eventId,
  'marketplace.event.type': event.type,
  'marketplace.order.id': event.orderId,
});

export interface SpanOptions {
  kind?: SpanKind;
  attributes?: Attributes;
  /** The parent; default: the active context. */
  parent?: Context;
}

/**
 * Runs `work` inside a new span (active for everything it does, so SQL, calls and outbox rows
 * written meanwhile belong to it); a failure is recorded on the span and rethrown.
 */
export async function inSpan<T>(
  name: string,
  options: SpanOptions,
  work: (span: Span) => Promise<T>,
): Promise<T> {
  const parent = options.parent ?? context.active();
  const span = tracer().startSpan(name, { kind: options.kind, attributes: options.attributes }, parent);
  try {
    return await context.with(trace.setSpan(parent, span), () => work(span));
  } catch (error) {
    span.recordException(error instanceof Error ? error : String(error));
    span.setStatus({
      code: SpanStatusCode.ERROR,
      message: error instanceof Error ? error.message : undefined,
    });
    throw error;
  } finally {
    span.end();
  }
}

/** Starts a span the caller ends (spans that cover a batch, e.g. the relay's publish). */
export const startSpan = (name: string, options: SpanOptions): Span =>
  tracer().startSpan(name, { kind: options.kind, attributes: options.attributes }, options.parent);

const deliveredContexts = new WeakMap<object, Context>();

/**
 * Remembers the context an event was received in (a broadcast consumer hands events on in
 * batches, without their headers), so whoever handles it later continues its trace.
 */
export const rememberTraceContext = (event: object, received: Context): void => {
  deliveredContexts.set(event, received);
};

/** The context {@link rememberTraceContext} stored for the event (the active one when none). */
export const traceContextOf = (event: object): Context => deliveredContexts.get(event) ?? context.active();

/** `trace_id` and `span_id` of the active span, for log lines; empty when there is none. */
export function activeTraceFields(): { trace_id?: string; span_id?: string } {
  const spanContext = trace.getActiveSpan()?.spanContext();
  if (!spanContext || !trace.isSpanContextValid(spanContext)) return {};
  return { trace_id: spanContext.traceId, span_id: spanContext.spanId };
}

export { SpanKind };
