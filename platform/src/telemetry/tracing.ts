import { NodeSDK } from '@opentelemetry/sdk-node';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { GraphQLInstrumentation } from '@opentelemetry/instrumentation-graphql';
import type { Attributes, Span } from '@opentelemetry/api';
import { redactSqlValues } from '../logger';
import { readSettings, setting, type SettingsSpec } from '../settings';
import { standardSampler, WithoutStrayGraphQLSpans } from './sampler';

/** The samplers of the OpenTelemetry specification that `OTEL_TRACES_SAMPLER` may name. */
export const SAMPLERS = [
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
  'always_on',
  'always_off',
  'traceidratio',
] as const;

/** The standard `OTEL_*` variables this project honours, validated at start-up. */
export interface TracingSettings {
  disabled: boolean;
  exporters: string[];
  zipkinEndpoint: string | undefined;
  endpoint: string | undefined;
  tracesEndpoint: string | undefined;
  protocol: 'http/protobuf' | 'http/json' | 'grpc';
  serviceName: string | undefined;
  sampler: (typeof SAMPLERS)[number];
  samplerArg: string | undefined;
}

export const tracingSettings: SettingsSpec<TracingSettings> = {
  disabled: setting.boolean('OTEL_SDK_DISABLED', 'turns tracing off even when an endpoint is set', false),
  exporters: setting.list(
    'OTEL_TRACES_EXPORTER',
    'where spans go: `otlp` (on once an OTLP endpoint is set), `zipkin`, `console` or `none`',
    ['otlp'],
  ),
  zipkinEndpoint: setting.optional(
    'OTEL_EXPORTER_ZIPKIN_ENDPOINT',
    'Zipkin spans URL of the `zipkin` exporter (the SDK defaults to `http://localhost:9411/api/v2/spans`)',
  ),
  endpoint: setting.optional(
    'OTEL_EXPORTER_OTLP_ENDPOINT',
    'OTLP collector base URL (`/v1/traces` is appended); the `otlp` exporter is off when neither endpoint is set',
  ),
  tracesEndpoint: setting.optional(
    'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
    'full OTLP traces URL; overrides `OTEL_EXPORTER_OTLP_ENDPOINT` for traces',
  ),
  protocol: setting.oneOf(
    'OTEL_EXPORTER_OTLP_PROTOCOL',
    'OTLP encoding: `http/protobuf`, `http/json` or `grpc`',
    ['http/protobuf', 'http/json', 'grpc'],
    'http/protobuf',
  ),
  serviceName: setting.optional(
    'OTEL_SERVICE_NAME',
    "`service.name` of the spans (default: the service's name)",
  ),
  sampler: setting.oneOf(
    'OTEL_TRACES_SAMPLER',
    'which traces are recorded (`parentbased_traceidratio` with `OTEL_TRACES_SAMPLER_ARG` samples a share)',
    SAMPLERS,
    'parentbased_always_on',
  ),
  samplerArg: setting.optional(
    'OTEL_TRACES_SAMPLER_ARG',
    'sampling ratio of the `*traceidratio` samplers (0–1)',
  ),
};

/**
 * Tracing is on when the SDK is not disabled and spans have somewhere to go: an OTLP endpoint for
 * the default `otlp` exporter, or the `zipkin` / `console` exporter named.
 */
export function tracingEnabled(settings: TracingSettings): boolean {
  if (settings.disabled || settings.exporters.includes('none')) return false;
  const otlp = settings.exporters.includes('otlp') && Boolean(settings.endpoint ?? settings.tracesEndpoint);
  return otlp || settings.exporters.some((exporter) => exporter === 'zipkin' || exporter === 'console');
}

let sdk: NodeSDK | undefined;

/**
 * The caller's address and user agent identify a person: an incoming request's span goes without
 * them (an attribute set to undefined is dropped), in the current and the older semantic conventions.
 */
const WITHOUT_CLIENT_IDENTITY: Attributes = Object.fromEntries(
  [
    'client.address',
    'network.peer.address',
    'network.peer.port',
    'user_agent.original',
    'net.peer.ip',
    'net.peer.port',
    'http.client_ip',
    'http.user_agent',
  ].map((key) => [key, undefined]),
);

/** Replaces a SQL span's statement (old and stable attribute names) with its redacted text. */
export function redactStatement(span: Pick<Span, 'setAttribute'>, query: { query: { text: string } }): void {
  const text = redactSqlValues(query.query.text);
  span.setAttribute('db.statement', text);
  span.setAttribute('db.query.text', text);
}

/**
 * Starts the OpenTelemetry SDK for this process, or does nothing when no OTLP endpoint is set (no
 * SDK, no instrumentation, no overhead; the API's no-op tracer stays). Must run before `http`,
 * `pg` and `undici` are first required, so `main.ts` imports `register.ts` on its first line;
 * tests call it before importing the stack. Returns whether tracing is on.
 *
 * The SDK reads the exporter and protocol from the standard variables itself; the sampler is the
 * one `OTEL_TRACES_SAMPLER` names, minus GraphQL parsing outside any request. Only
 * traces are exported (metrics are prom-client's, logs are pino's). Instrumentations:
 * - http (server and client spans; W3C `traceparent` is continued from requests and sent on calls;
 *   without the caller's address and user agent),
 * - undici (the gateway's subgraph fetches and `ServiceClient`),
 * - pg (statements without their values: `enhancedDatabaseReporting` stays off, and as MikroORM
 *   inlines values into the statement — e-mails, password hashes — the text is redacted the way log
 *   lines are, by {@link redactStatement}),
 * - graphql without resolver spans (parse, validate, execute with the operation name; literal
 *   values of the document are masked: `allowValues` stays off).
 */
export function startTracing({
  serviceName,
  env = process.env,
}: {
  serviceName: string;
  env?: NodeJS.ProcessEnv;
}): boolean {
  if (sdk) return true;
  const settings = readSettings(tracingSettings, env);
  if (!tracingEnabled(settings)) return false;
  sdk = new NodeSDK({
    serviceName: settings.serviceName ?? serviceName,
    sampler: new WithoutStrayGraphQLSpans(standardSampler(settings)),
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: [
      new HttpInstrumentation({
        startIncomingSpanHook: () => WITHOUT_CLIENT_IDENTITY,
        // Scrapes and probes are not client operations: a trace each would bury the real ones.
        ignoreIncomingRequestHook: (request) => isHousekeeping(request.url),
      }),
      new UndiciInstrumentation(),
      new PgInstrumentation({
        enhancedDatabaseReporting: false,
        requireParentSpan: true,
        requestHook: redactStatement,
      }),
      new GraphQLInstrumentation({ ignoreResolveSpans: true, allowValues: false }),
    ],
  });
  sdk.start();
  return true;
}

/** `/metrics` (the metrics listener) and `/health/*` (probes). */
export const isHousekeeping = (url: string | undefined): boolean =>
  url !== undefined && (url === '/metrics' || url.startsWith('/metrics?') || url.startsWith('/health/'));

/** Exports the spans still buffered and stops the SDK (graceful shutdown, tests); idempotent. */
export async function stopTracing(): Promise<void> {
  const running = sdk;
  sdk = undefined;
  await running?.shutdown();
}
