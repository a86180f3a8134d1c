import { trace, type Attributes, type Context, type Link, type SpanKind } from '@opentelemetry/api';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  ParentBasedSampler,
  SamplingDecision,
  TraceIdRatioBasedSampler,
  type Sampler,
  type SamplingResult,
} from '@opentelemetry/sdk-trace-base';
import type { TracingSettings } from './tracing';

/** The standard samplers of `OTEL_TRACES_SAMPLER` / `OTEL_TRACES_SAMPLER_ARG` (ratio default 1). */
export function standardSampler({
  sampler,
  samplerArg,
}: Pick<TracingSettings, 'sampler' | 'samplerArg'>): Sampler {
  const ratio = samplerArg === undefined ? 1 : Number(samplerArg);
  if (!(ratio >= 0 && ratio <= 1))
    throw new Error(`OTEL_TRACES_SAMPLER_ARG: expected a ratio from 0 to 1, got ${samplerArg}`);
  const root = {
    always_on: new AlwaysOnSampler(),
    always_off: new AlwaysOffSampler(),
    traceidratio: new TraceIdRatioBasedSampler(ratio),
  };
  if (sampler === 'parentbased_always_on') return new ParentBasedSampler({ root: root.always_on });
  if (sampler === 'parentbased_always_off') return new ParentBasedSampler({ root: root.always_off });
  if (sampler === 'parentbased_traceidratio') return new ParentBasedSampler({ root: root.traceidratio });
  return root[sampler];
}

/**
 * The configured sampler, except that a GraphQL parse or validation outside any operation (a
 * service building its schema at start-up, the gateway loading the supergraph) is not recorded:
 * dozens of one-span traces per start would bury the real ones. Inside a request they are kept.
 */
export class WithoutStrayGraphQLSpans implements Sampler {
  constructor(private readonly inner: Sampler) {}

  shouldSample(
    parent: Context,
    traceId: string,
    spanName: string,
    spanKind: SpanKind,
    attributes: Attributes,
    links: Link[],
  ): SamplingResult {
    if (spanName.startsWith('graphql.') && trace.getSpanContext(parent) === undefined)
      return { decision: SamplingDecision.NOT_RECORD };
    return this.inner.shouldSample(parent, traceId, spanName, spanKind, attributes, links);
  }

  toString(): string {
    return `WithoutStrayGraphQLSpans{${this.inner.toString()}}`;
  }
}
