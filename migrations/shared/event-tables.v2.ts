/**
 * FROZEN once applied (pinned by `migrations/checksums.json`). The outbox's trace context: the
 * W3C `traceparent` / `tracestate` of the operation that wrote a row, which the relay sends as
 * Kafka headers so an asynchronous saga stays one trace. Text, not a bounded varchar: an unusual
 * `tracestate` must never make the business write fail. It imports nothing.
 */
export const addOutboxTraceContextSql: readonly string[] = [
  'alter table outbox add column traceparent text null, add column tracestate text null',
];

export const dropOutboxTraceContextSql: readonly string[] = [
  'alter table outbox drop column if exists traceparent, drop column if exists tracestate',
];
