import { node } from '@opentelemetry/sdk-node';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { correlationHeaders, currentRequestId, requestIdOf, withRequestId } from './request-id';
import { inSpan } from './telemetry/trace-context';

describe('request ids', () => {
  it('gives a request the id its client sent, or one of its own, the same on every call', () => {
    expect(requestIdOf({ headers: { 'x-request-id': 'abc-1' } })).toBe('abc-1');
    const request = { headers: { 'x-request-id': 'two words' } };
    const made = requestIdOf(request);
    expect(made).toMatch(/^[0-9a-f-]{36}$/);
    expect(requestIdOf(request)).toBe(made);
  });

  it('is current inside the work it names, and after its awaits', async () => {
    expect(currentRequestId()).toBeUndefined();
    await withRequestId('req-7', async () => {
      await Promise.resolve();
      expect(currentRequestId()).toBe('req-7');
    });
    expect(currentRequestId()).toBeUndefined();
  });
});

describe('correlationHeaders', () => {
  it('answers with the request id alone while tracing is off', () => {
    expect(correlationHeaders('req-1')).toEqual({ 'x-request-id': 'req-1' });
  });

  it('adds the traceparent of the active span once tracing is on', async () => {
    const provider = new node.NodeTracerProvider({
      spanProcessors: [new SimpleSpanProcessor(new InMemorySpanExporter())],
    });
    provider.register();
    try {
      await inSpan('request', {}, async (span) => {
        const { traceId, spanId } = span.spanContext();
        expect(correlationHeaders('req-2')).toEqual({
          'x-request-id': 'req-2',
          traceparent: `00-${traceId}-${spanId}-01`,
        });
      });
    } finally {
      await provider.shutdown();
    }
  });
});
