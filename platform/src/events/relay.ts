import type { Kafka, Producer } from 'kafkajs';
import { Client, type Notification } from 'pg';
import type { Orm } from '../database';
import type { Logger } from '../logger';
import type { Worker } from '../subgraph';
import { Backoff, sleep } from '../retry';
import { ensureTopics, PARTITIONER, type TopicSettings } from './kafka';
import { secondsSince, type ServiceMetrics } from '../telemetry/metrics';
import { countBusinessEvent } from '../telemetry/metrics-business';
import { publishSpan } from '../telemetry/kafka-tracing';

export interface OutboxRelayOptions {
  orm: Orm;
  kafka: Kafka;
  log: Logger;
  /** Topics this service publishes to (created if missing). */
  topics: string[];
  /** Partitions and replication of topics it creates. */
  topicSettings: TopicSettings;
  /** Safety-net poll when no notification arrives (`OUTBOX_POLL_MS`). */
  pollIntervalMs: number;
  /** The publishing service, named on its publish spans. */
  service?: string;
  /** Rows per Kafka batch. Default 200. */
  batchSize?: number;
  /** Published rows are deleted after this long (`OUTBOX_RETENTION_HOURS`). */
  retentionHours: number;
  /** Backlog and oldest age (read at scrape time), publish latency, published and business counts. */
  metrics?: ServiceMetrics;
}

interface OutboxRow {
  id: string;
  topic: string;
  message_key: string;
  type: string;
  payload: unknown;
  traceparent: string | null;
  tracestate: string | null;
}

const RELAY_LOCK = "hashtext('marketplace-outbox-relay')";
const STOP_GRACE_MS = 2_000;

/**
 * Publishes the outbox to Kafka with an idempotent producer and `acks=all`, keyed by order id,
 * in commit order. Latency: an insert trigger sends `NOTIFY outbox`, so a committed event is
 * published within milliseconds; a slow poll is only the safety net.
 *
 * One relay per database publishes (a session advisory lock elects it; others stand by), which
 * keeps each order's events in order across replicas. Kafka being down only delays publishing:
 * rows stay until Kafka acknowledges them. A crash between send and mark re-sends the rows —
 * consumers dedupe by event id.
 */
export class OutboxRelay implements Worker {
  readonly name = 'outbox-relay';
  private readonly pollIntervalMs: number;
  private readonly batchSize: number;
  private readonly retentionMs: number;
  private listener: Client | undefined;
  private producer: Producer | undefined;
  private running = false;
  private leader = false;
  private wake: (() => void) | undefined;
  private pending = true;
  private loop: Promise<void> | undefined;
  private topicsReady = false;
  private lastPurge = 0;
  private removeProbe: (() => void) | undefined;

  constructor(private readonly options: OutboxRelayOptions) {
    this.pollIntervalMs = options.pollIntervalMs;
    this.batchSize = options.batchSize ?? 200;
    this.retentionMs = options.retentionHours * 3_600_000;
  }

  async start(): Promise<void> {
    this.running = true;
    this.loop = this.run();
    this.removeProbe = this.options.metrics?.addProbe(() => this.reportBacklog());
  }

  async stop(): Promise<void> {
    this.running = false;
    this.removeProbe?.();
    this.wake?.();
    // A batch in flight gets a moment to finish; past that (Kafka unreachable, the producer
    // retrying without limit) disconnecting ends the send, and its rows stay unpublished for the
    // next leader: consumers dedupe a re-send.
    const grace = new AbortController();
    await Promise.race([this.loop, sleep(STOP_GRACE_MS, grace.signal)]);
    grace.abort();
    await this.producer?.disconnect().catch(() => undefined);
    await this.loop;
    await this.listener?.end().catch(() => undefined);
  }

  /** Resolves when the outbox has no unpublished rows (tests). */
  async drained(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while ((await this.unpublishedCount()) > 0) {
      if (Date.now() > deadline) throw new Error('outbox not drained in time');
      await sleep(20);
    }
  }

  async unpublishedCount(): Promise<number> {
    const rows = await this.options.orm.em
      .getConnection()
      .execute<{ count: string }[]>('select count(*) from outbox where published_at is null');
    return Number(rows[0].count);
  }

  private notify = (_message?: Notification): void => {
    this.pending = true;
    this.wake?.();
  };

  private async idle(ms: number): Promise<void> {
    if (this.pending || !this.running) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.wake = undefined;
  }

  private async connectListener(): Promise<void> {
    if (this.listener) return;
    const listener = new Client({ connectionString: this.options.orm.config.get('clientUrl') });
    listener.on('error', (error) => {
      this.options.log.warn({ err: error }, 'outbox listener connection lost');
      this.listener = undefined;
      this.leader = false;
    });
    await listener.connect();
    listener.on('notification', this.notify);
    await listener.query('listen outbox');
    this.listener = listener;
  }

  private async run(): Promise<void> {
    const { log } = this.options;
    const backoff = new Backoff({ initialDelayMs: 100, maxDelayMs: 5_000 });
    while (this.running) {
      try {
        await this.connectListener();
        if (!this.leader) {
          const result = await this.listener!.query<{ locked: boolean }>(
            `select pg_try_advisory_lock(${RELAY_LOCK}) as locked`,
          );
          this.leader = result.rows[0].locked;
          if (!this.leader) {
            await this.idle(this.pollIntervalMs * 5);
            continue;
          }
          log.info('outbox relay elected');
        }
        this.pending = false;
        const published = await this.publishBatch();
        backoff.reset();
        if (published === this.batchSize) this.pending = true;
        await this.purge();
        await this.idle(this.pollIntervalMs);
      } catch (error) {
        const delay = backoff.next();
        log.warn({ err: error, retryInMs: delay }, 'outbox relay failed; will retry');
        // A producer that failed may hold broken connections or an old producer id: start afresh.
        await this.producer?.disconnect().catch(() => undefined);
        this.producer = undefined;
        this.pending = true;
        await sleep(delay);
      }
    }
  }

  private async publishBatch(): Promise<number> {
    // The relay's own session (the one that LISTENs and holds the leader lock), so a burst of
    // writers queueing for the service's pool never delays publishing.
    const session = this.listener!;
    const { rows } = await session.query<OutboxRow>(
      'select id, topic, message_key, type, payload, traceparent, tracestate from outbox where published_at is null order by position limit $1',
      [this.batchSize],
    );
    if (rows.length === 0) return 0;
    const startedAt = performance.now();
    const producer = await this.connectedProducer();
    const byTopic = new Map<string, { key: string; value: string; headers: Record<string, string> }[]>();
    // One producer span per message, in the trace of the operation that wrote the row; its
    // context travels in the message's headers to every consumer.
    const spans = rows.map((row) => publishSpan(row, this.options.service));
    rows.forEach((row, index) => {
      const messages = byTopic.get(row.topic) ?? [];
      messages.push({
        key: row.message_key,
        value: JSON.stringify(row.payload),
        headers: spans[index].headers,
      });
      byTopic.set(row.topic, messages);
    });
    try {
      await producer.sendBatch({
        acks: -1,
        topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
      });
    } catch (error) {
      for (const span of spans) span.fail(error);
      throw error;
    } finally {
      for (const span of spans) span.end();
    }
    await session.query('update outbox set published_at = now() where id = any($1::uuid[])', [
      rows.map((row) => row.id),
    ]);
    this.observePublished(rows, startedAt);
    return rows.length;
  }

  private observePublished(rows: OutboxRow[], startedAt: number): void {
    const metrics = this.options.metrics;
    if (!metrics) return;
    metrics.outboxPublishDuration.observe(secondsSince(startedAt));
    for (const row of rows) {
      metrics.outboxPublished.inc({ topic: row.topic });
      countBusinessEvent(metrics, row.payload);
    }
  }

  /** Unpublished rows and the oldest one's age; both read through `outbox_unpublished_index`. */
  private async reportBacklog(): Promise<void> {
    const metrics = this.options.metrics!;
    const connection = this.options.orm.em.getConnection();
    const [{ count }] = await connection.execute<{ count: string }[]>(
      'select count(*) as count from outbox where published_at is null',
    );
    const oldest = await connection.execute<{ age: number | string }[]>(
      'select extract(epoch from now() - created_at) as age from outbox where published_at is null order by position limit 1',
    );
    metrics.outboxUnpublished.set(Number(count));
    metrics.outboxOldestAge.set(oldest.length > 0 ? Math.max(0, Number(oldest[0].age)) : 0);
  }

  private async connectedProducer(): Promise<Producer> {
    if (this.producer) return this.producer;
    if (!this.topicsReady) {
      await ensureTopics(this.options.kafka, this.options.topics, this.options.topicSettings);
      this.topicsReady = true;
    }
    // Idempotent: retries after a lost acknowledgement never duplicate or reorder within a partition.
    // Its retries are not limited (a limit would void that guarantee); stop() ends a pending send.
    const producer = this.options.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: PARTITIONER,
      retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 200, maxRetryTime: 5_000 },
    });
    await producer.connect();
    this.producer = producer;
    return producer;
  }

  private async purge(): Promise<void> {
    if (Date.now() - this.lastPurge < 60_000) return;
    this.lastPurge = Date.now();
    await this.options.orm.em
      .getConnection()
      .execute(`delete from outbox where published_at < now() - (? * interval '1 millisecond')`, [
        this.retentionMs,
      ]);
  }
}
