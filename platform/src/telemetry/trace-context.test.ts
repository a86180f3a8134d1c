import { ROOT_CONTEXT, type Span } from '@opentelemetry/api';
import { node } from '@opentelemetry/sdk-node';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { capturingLogger } from '../testing';
import { createEvent } from '../events/envelope';
import { consumeSpanOptions, publishSpan } from './kafka-tracing';
import { activeTraceContext, contextFromKafkaHeaders, eventAttributes, inSpan } from './trace-context';
import { redactStatement } from './tracing';

const exporter = new InMemorySpanExporter();
const provider = new node.NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });

beforeAll(() => provider.register());
afterEach(() => exporter.reset());
afterAll(() => provider.shutdown());

/** An event whose payload holds personal data, as a checkout's does. */
const personalEvent = () =>
  createEvent({
    type: 'OrderPlaced',
    orderId: '3b0c1c9e-6c1b-4a51-9b1e-1f6a1d2e3f40',
    version: 1,
    source: 'order',
    payload: {
      userId: 'u-1',
      email: 'olga@example.com',
      shippingAddress: '7 Garden Ring, Moscow',
      token: 'secret-token',
    },
  });

describe('trace context across the outbox and Kafka', () => {
  it('continues the trace of the operation that wrote the outbox row in the publish and consumer spans', async () => {
    const event = personalEvent();
    const { stored, operationSpan } = await inSpan('checkout', {}, async (span) => ({
      stored: activeTraceContext(),
      operationSpan: span.spanContext(),
    }));
    expect(stored.traceparent).toContain(operationSpan.traceId);

    const published = publishSpan(
      {
        id: event.eventId,
        topic: 'ns.marketplace.order.events',
        message_key: event.orderId,
        type: event.type,
        ...stored,
      },
      'order',
    );
    published.end();
    let consumer: Span | undefined;
    await inSpan(
      'process ns.marketplace.order.events',
      consumeSpanOptions(
        contextFromKafkaHeaders({ traceparent: Buffer.from(published.headers.traceparent) }),
        { topic: 'ns.marketplace.order.events', partition: 0, offset: '7', service: 'product' },
        event,
      ),
      async (span) => {
        consumer = span;
        // What the handler writes to its own outbox continues the same trace.
        expect(activeTraceContext().traceparent).toContain(operationSpan.traceId);
      },
    );

    const [, publish, consume] = exporter.getFinishedSpans(); // checkout, publish, process
    expect(publish.spanContext().traceId).toBe(operationSpan.traceId);
    expect(publish.parentSpanContext?.spanId).toBe(operationSpan.spanId);
    expect(consume.spanContext().spanId).toBe(consumer?.spanContext().spanId);
    expect(consume.parentSpanContext?.spanId).toBe(publish.spanContext().spanId);
  });

  it('names ids in span attributes, never what the event says', () => {
    const event = personalEvent();
    const published = publishSpan(
      {
        id: event.eventId,
        topic: 't',
        message_key: event.orderId,
        type: event.type,
        traceparent: null,
        tracestate: null,
      },
      'order',
    );
    published.end();
    const attributes = {
      ...eventAttributes(event),
      ...consumeSpanOptions(
        ROOT_CONTEXT,
        { topic: 't', partition: 1, offset: '2', service: 'product' },
        event,
      ).attributes,
      ...exporter.getFinishedSpans()[0].attributes,
    };
    const text = JSON.stringify(attributes);
    for (const personal of ['olga@example.com', 'Garden Ring', 'secret-token', 'u-1'])
      expect(text).not.toContain(personal);
    expect(attributes).toMatchObject({
      'marketplace.order.id': event.orderId,
      'messaging.message.id': event.eventId,
    });
  });

  it('redacts the values MikroORM inlines into a SQL span statement', () => {
    const attributes: Record<string, unknown> = {};
    redactStatement(
      {
        setAttribute(key: string, value: unknown) {
          attributes[key] = value;
          return this as unknown as Span;
        },
      },
      { query: { text: `insert into "users" ("email", "full_name") values ('olga@example.com', 'Olga')` } },
    );
    expect(attributes['db.statement']).toBe(
      `insert into "users" ("email", "full_name") values ('[REDACTED]', '[REDACTED]')`,
    );
  });
});

describe('log lines', () => {
  it('carry the trace and span id of the active span, and none outside a span', async () => {
    const { log, lines } = capturingLogger();
    log.info('outside');
    const ids = await inSpan('work', {}, async (span) => {
      log.info('inside');
      return span.spanContext();
    });
    expect(lines[0]).not.toHaveProperty('trace_id');
    expect(lines[1]).toMatchObject({ trace_id: ids.traceId, span_id: ids.spanId });
  });
});
