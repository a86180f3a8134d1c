import { ROOT_CONTEXT, SpanKind, trace, TraceFlags } from '@opentelemetry/api';
import { SamplingDecision } from '@opentelemetry/sdk-trace-base';
import { readSettings } from '../settings';
import { standardSampler, WithoutStrayGraphQLSpans } from './sampler';
import { isHousekeeping, tracingEnabled, tracingSettings } from './tracing';

const traceId = '0af7651916cd43dd8448eb211c80319c';
const inRequest = trace.setSpanContext(ROOT_CONTEXT, {
  traceId,
  spanId: 'b7ad6b7169203331',
  traceFlags: TraceFlags.SAMPLED,
});
const decide = (sampler: WithoutStrayGraphQLSpans, name: string, parent = ROOT_CONTEXT) =>
  sampler.shouldSample(parent, traceId, name, SpanKind.INTERNAL, {}, []).decision;

describe('sampling', () => {
  const sampler = new WithoutStrayGraphQLSpans(
    standardSampler({ sampler: 'parentbased_always_on', samplerArg: undefined }),
  );

  it('drops GraphQL parsing outside any request and keeps it inside one', () => {
    expect(decide(sampler, 'graphql.parseSchema')).toBe(SamplingDecision.NOT_RECORD);
    expect(decide(sampler, 'graphql.parse', inRequest)).toBe(SamplingDecision.RECORD_AND_SAMPLED);
    expect(decide(sampler, 'POST')).toBe(SamplingDecision.RECORD_AND_SAMPLED);
  });

  it('follows OTEL_TRACES_SAMPLER and refuses a ratio outside 0–1', () => {
    const off = new WithoutStrayGraphQLSpans(
      standardSampler({ sampler: 'parentbased_always_off', samplerArg: undefined }),
    );
    expect(decide(off, 'POST')).toBe(SamplingDecision.NOT_RECORD);
    expect(decide(off, 'POST', inRequest)).toBe(SamplingDecision.RECORD_AND_SAMPLED);
    expect(() => standardSampler({ sampler: 'traceidratio', samplerArg: '1.5' })).toThrow(
      'OTEL_TRACES_SAMPLER_ARG',
    );
  });
});

describe('when tracing is on', () => {
  const settings = (env: NodeJS.ProcessEnv) => readSettings(tracingSettings, env);

  it('is off without an endpoint, disabled, or with the `none` exporter', () => {
    expect(tracingEnabled(settings({}))).toBe(false);
    expect(tracingEnabled(settings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }))).toBe(true);
    expect(
      tracingEnabled(settings({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces' })),
    ).toBe(true);
    expect(
      tracingEnabled(
        settings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SDK_DISABLED: 'true' }),
      ),
    ).toBe(false);
    expect(
      tracingEnabled(
        settings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_TRACES_EXPORTER: 'none' }),
      ),
    ).toBe(false);
    expect(tracingEnabled(settings({ OTEL_TRACES_EXPORTER: 'zipkin' }))).toBe(true);
  });
});

describe('requests that start no trace', () => {
  it('are scrapes and probes, never the API', () => {
    for (const url of ['/metrics', '/metrics?name[]=x', '/health/live', '/health/ready'])
      expect(isHousekeeping(url)).toBe(true);
    for (const url of ['/graphql', '/', '/metricsx', undefined]) expect(isHousekeeping(url)).toBe(false);
  });
});
