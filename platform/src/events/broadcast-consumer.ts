import type { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import type { Logger } from '../logger';
import { Backoff, sleep, type BackoffOptions } from '../retry';
import { MalformedEventError, parseEvent, type IntegrationEvent } from './envelope';
import { ensureTopics, type TopicSettings } from './kafka';
import { replayedFor } from './dead-letter';
import type { ServiceMetrics } from '../telemetry/metrics';
import { ConsumerLagProbe } from './consumer-lag';
import { contextFromKafkaHeaders, rememberTraceContext } from '../telemetry/trace-context';

export interface BroadcastConsumerOptions {
  kafka: Kafka;
  /** The (namespaced) topic to follow. */
  topic: string;
  /** Partitions and replication of the topic when this source has to create it. */
  topicSettings: TopicSettings;
  /** This replica's own (namespaced) consumer group. */
  groupId: string;
  log: Logger;
  /** Receives each batch's events in offset order; should not reject. */
  onEvents(events: IntegrationEvent[]): Promise<void>;
  /** Partitions handled at the same time. Default 3 (the default partition count). */
  partitionsConcurrently?: number;
  /** Pauses between failed starts. Default: from 1 s, growing to 30 s. */
  backoff?: BackoffOptions;
  /** Reports the group's lag at scrape time. */
  metrics?: ServiceMetrics;
}

/** Longest wait in `stop()` for a start in progress (a connection attempt to a silent broker). */
const STOP_WAIT_MS = 3_000;

/**
 * Follows a topic for one replica of a service that needs every event, not a share of them (the
 * gateway's live tracking): each replica has its own consumer group, so each receives every event.
 * Unlike the {@link IdempotentConsumer} it applies nothing to a database: it hands each batch of
 * parsed events to `onEvents` and commits. Like every Kafka client of the project it lives in the
 * platform, so services never depend on kafkajs themselves.
 *
 * - A new group starts at the end of the topic as it was when the consumer started (partitions
 *   without a committed offset are sought there), so nothing produced after start-up is skipped
 *   while the group forms. A known group resumes from its committed offsets, so events produced
 *   while this consumer (or Kafka) was down are delivered when it is back.
 * - Offsets are committed after each batch has been handed to the fan-out.
 * - Start-up never blocks the gateway: failures are retried in the background with backoff, and
 *   kafkajs restarts the consumer after a crash; {@link consuming} tells readiness the state.
 */
export class BroadcastConsumer {
  private readonly lag: ConsumerLagProbe | undefined;
  private consumer: Consumer | undefined;
  private running = false;
  private joined = false;
  private loop: Promise<void> | undefined;
  /** Aborted by `stop()`: ends a pause between attempts at once. */
  private stopping = new AbortController();
  private readonly backoff: Backoff;

  constructor(private readonly options: BroadcastConsumerOptions) {
    this.backoff = new Backoff({ initialDelayMs: 1_000, maxDelayMs: 30_000, ...options.backoff });
    // A new group starts at the end of the topic: nothing is behind before its first commit.
    this.lag =
      options.metrics &&
      new ConsumerLagProbe(options.kafka, options.metrics, options.groupId, [options.topic], 'end');
  }

  /** The consumer is a member of its group and fetching. */
  get consuming(): boolean {
    return this.joined;
  }

  /** Starts consuming in the background; returns at once. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.stopping = new AbortController();
    this.backoff.reset();
    this.loop = this.run();
    this.lag?.start();
  }

  /** Stops consuming; the batch being delivered finishes first and its offsets are committed. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.stopping.abort();
    await this.consumer?.disconnect().catch(() => undefined);
    // A start in progress notices `running` and disconnects when its current step ends; a
    // connection attempt to a broker that does not answer is not waited for beyond STOP_WAIT_MS.
    const waited = new AbortController();
    await Promise.race([this.loop, sleep(STOP_WAIT_MS, waited.signal)]);
    waited.abort();
    this.joined = false;
    await this.lag?.stop();
  }

  /** Starts the consumer, pausing with backoff after each failed attempt, until it runs or stops. */
  private async run(): Promise<void> {
    while (this.running) {
      try {
        await this.connect();
        this.backoff.reset();
        return;
      } catch (error) {
        await this.discardConsumer();
        if (!this.running) return;
        const delay = this.backoff.next();
        this.options.log.warn(
          { err: error, retryInMs: delay },
          'broadcast consumer could not start; retrying',
        );
        await sleep(delay, this.stopping.signal);
      }
    }
  }

  private async discardConsumer(): Promise<void> {
    this.joined = false;
    await this.consumer?.disconnect().catch(() => undefined);
    this.consumer = undefined;
  }

  private async connect(): Promise<void> {
    const { kafka, topic } = this.options;
    await ensureTopics(kafka, [topic], this.options.topicSettings);
    const startAt = await this.endsOfUncommittedPartitions();
    if (!this.running) return;
    const consumer = this.createConsumer();
    await consumer.connect();
    if (!this.running) return consumer.disconnect();
    await consumer.subscribe({ topics: [topic], fromBeginning: false });
    const running = consumer.run({
      partitionsConsumedConcurrently: this.options.partitionsConcurrently ?? 3,
      eachBatch: (payload) => this.handleBatch(payload),
    });
    // Seeks registered before the group is joined apply to the first fetch.
    for (const { partition, offset } of startAt) consumer.seek({ topic, partition, offset });
    await running;
    if (!this.running) await consumer.disconnect();
  }

  private createConsumer(): Consumer {
    const { kafka, topic, groupId, log } = this.options;
    const consumer = kafka.consumer({
      groupId,
      sessionTimeout: 15_000,
      heartbeatInterval: 1_000,
      // Long polls return as soon as a message arrives; this only bounds an idle fetch.
      maxWaitTimeInMs: 1_000,
      retry: { restartOnFailure: async () => true },
    });
    this.consumer = consumer;
    consumer.on(consumer.events.GROUP_JOIN, () => {
      this.joined = true;
      log.info({ groupId, topic }, 'broadcast consumer joined');
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      this.joined = false;
      log.warn({ err: payload.error, restart: payload.restart }, 'broadcast consumer crashed');
      // kafkajs restarts after retriable errors by itself; after any other, start over.
      if (!payload.restart && this.running && this.consumer === consumer) {
        this.consumer = undefined;
        void consumer.disconnect().catch(() => undefined);
        this.loop = this.run();
      }
    });
    consumer.on(consumer.events.DISCONNECT, () => {
      this.joined = false;
    });
    return consumer;
  }

  /**
   * The current end of each partition this group has no committed offset for. Starting there
   * (rather than at "latest" when the first fetch happens, after joining) means nothing produced
   * after start-up is skipped while the group forms.
   */
  private async endsOfUncommittedPartitions(): Promise<{ partition: number; offset: string }[]> {
    const { kafka, topic, groupId } = this.options;
    const admin = kafka.admin();
    await admin.connect();
    try {
      const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
      const uncommitted = new Set(
        (committed?.partitions ?? [])
          .filter((partition) => Number(partition.offset) < 0)
          .map((partition) => partition.partition),
      );
      if (uncommitted.size === 0) return [];
      const ends = await admin.fetchTopicOffsets(topic);
      return ends
        .filter((end) => uncommitted.has(end.partition))
        .map((end) => ({ partition: end.partition, offset: end.high }));
    } finally {
      await admin.disconnect();
    }
  }

  private async handleBatch({ batch, heartbeat }: EachBatchPayload): Promise<void> {
    const events: IntegrationEvent[] = [];
    for (const message of batch.messages) {
      // A replayed dead letter is for the one consumer that failed; live readers saw the original.
      if (replayedFor(message.headers) !== undefined) continue;
      let event: IntegrationEvent;
      try {
        event = parseEvent(message.value);
      } catch (error) {
        if (!(error instanceof MalformedEventError)) throw error;
        // The owning service's idempotent consumers dead-letter it; a broadcast reader skips it.
        this.options.log.warn(
          { topic: batch.topic, partition: batch.partition, offset: message.offset, reason: error.message },
          'skipped a malformed message',
        );
        continue;
      }
      // Whoever handles the event later (the gateway's push) continues its publisher's trace.
      rememberTraceContext(event, contextFromKafkaHeaders(message.headers));
      events.push(event);
    }
    if (events.length > 0) await this.options.onEvents(events);
    await heartbeat();
  }
}
