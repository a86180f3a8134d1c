import { ROOT_CONTEXT, SpanKind, trace, TraceFlags } from '@opentelemetry/api';
import { SamplingDecision } from '@opentelemetry/sdk-trace-base';
import { standardSampler, WithoutStrayGraphQLSpans } from './sampler';

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
