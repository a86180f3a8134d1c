import type { Consumer, EachMessagePayload, Kafka, KafkaMessage, Producer } from 'kafkajs';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Orm } from '../database';
import type { Logger } from '../logger';
import type { Worker } from '../subgraph';
import { deadLetterTopic, MalformedEventError, parseEvent, type IntegrationEvent } from './envelope';
import { Backoff, retryPolicy, sleep } from '../retry';
import { withRequestId } from '../request-id';
import { secondsSince, type ServiceMetrics } from '../telemetry/metrics';
import { ConsumerLagProbe } from './consumer-lag';
import { ensureTopics, KEPT_UNTIL_DELETED, PARTITIONER, type TopicSettings } from './kafka';
import { contextFromKafkaHeaders, inSpan } from '../telemetry/trace-context';
import { consumeSpanOptions } from '../telemetry/kafka-tracing';
import {
  deadLetterHeaders,
  positionText,
  replayedFor,
  type DeadLetterCause,
  type MessagePosition,
} from './dead-letter';

/** Applies one event inside the consumer's transaction (`em` is transactional). */
export type EventHandler = (context: {
  em: EntityManager;
  event: IntegrationEvent;
  log: Logger;
}) => Promise<void>;

export interface IdempotentConsumerOptions {
  /** Consumer name; also the idempotency scope in `processed_events`. */
  name: string;
  /** Kafka consumer group (namespaced). */
  groupId: string;
  topics: string[];
  /** Handlers by event type; other types are skipped. */
  handlers: Record<string, EventHandler>;
  orm: Orm;
  kafka: Kafka;
  log: Logger;
  /** Partitions and replication of topics it creates. */
  topicSettings: TopicSettings;
  /** Attempts before dead-lettering (`CONSUMER_MAX_ATTEMPTS`). */
  maxAttempts: number;
  /** First retry delay, growing exponentially. Default 100 ms. */
  retryDelayMs?: number;
  /** Handler durations, failures, dead letters and the group's lag (read at scrape time). */
  metrics?: ServiceMetrics;
}

/**
 * Consumes integration events and applies each at most once per consumer: the processed-event
 * row and the handler's effect commit in one transaction, so a redelivery (rebalance, restart,
 * relay re-send) finds the row and does nothing. Messages of a partition are handled one at a
 * time, so one order's events apply in order. A failing handler is retried with exponential
 * backoff; after `maxAttempts` — or at once for a message that is not an event — the message is
 * copied to `<topic>.dlt` with the reason in its headers and the partition moves on. A replayed
 * dead letter (`npm run dlt -- replay`) is applied only by the consumer it names.
 */
export class IdempotentConsumer implements Worker {
  readonly name: string;
  private consumer: Consumer | undefined;
  private producer: Producer | undefined;
  private readonly maxAttempts: number;
  private readonly retryDelayMs: number;
  private running = false;
  private readonly stopping = new AbortController();
  private consuming = false;
  private loop: Promise<void> | undefined;
  private readonly deadLetters = { total: 0, byTopic: {} as Record<string, number> };
  private readonly lag: ConsumerLagProbe | undefined;

  constructor(private readonly options: IdempotentConsumerOptions) {
    this.name = `consumer:${options.name}`;
    this.maxAttempts = options.maxAttempts;
    this.retryDelayMs = options.retryDelayMs ?? 100;
    this.lag =
      options.metrics &&
      new ConsumerLagProbe(options.kafka, options.metrics, options.groupId, options.topics);
  }

  /**
   * Connects in the background and keeps trying (with backoff) until it is consuming, so a
   * service starts and serves reads while Kafka is unavailable; events wait in Kafka meanwhile.
   * A consumer that crashes with a non-retriable error is rebuilt the same way.
   */
  async start(): Promise<void> {
    this.running = true;
    this.loop = this.connectWithRetry();
    this.lag?.start();
  }

  /**
   * Messages this consumer has dead-lettered since it was built, in total and by original topic:
   * the counter a metrics endpoint exports (with the alert log line, the signal to act on).
   */
  get deadLettered(): { total: number; byTopic: Readonly<Record<string, number>> } {
    return { total: this.deadLetters.total, byTopic: { ...this.deadLetters.byTopic } };
  }

  /** Resolves once the consumer has joined its group and is fetching (tests). */
  async ready(timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.consuming) {
      if (Date.now() > deadline) throw new Error(`${this.name} did not start consuming in time`);
      await sleep(50);
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    // Ends a handler's retry pause at once; the message is not committed and is redelivered later.
    this.stopping.abort();
    await this.loop;
    await this.disconnect();
    await this.lag?.stop();
  }

  private async connectWithRetry(): Promise<void> {
    const { log } = this.options;
    const backoff = new Backoff({ initialDelayMs: 200, maxDelayMs: 5_000 });
    while (this.running && !this.consuming) {
      try {
        await this.connect();
        this.consuming = true;
      } catch (error) {
        const delay = backoff.next();
        log.warn({ err: error, retryInMs: delay }, 'consumer could not start; will retry');
        await this.disconnect();
        await sleep(delay);
      }
    }
  }

  private async connect(): Promise<void> {
    const { kafka, topics, groupId, log } = this.options;
    await ensureTopics(kafka, topics, this.options.topicSettings);
    // A dead letter waits for someone to fix its cause and replay it: the broker must not expire it.
    await ensureTopics(kafka, topics.map(deadLetterTopic), this.options.topicSettings, KEPT_UNTIL_DELETED);
    this.producer = kafka.producer({ createPartitioner: PARTITIONER });
    await this.producer.connect();
    // A fetch returns as soon as a message arrives; the wait only bounds an idle poll, and so how long
    // a graceful stop waits for the poll in flight.
    const consumer = kafka.consumer({
      groupId,
      sessionTimeout: 15_000,
      heartbeatInterval: 1_000,
      maxWaitTimeInMs: 1_000,
    });
    this.consumer = consumer;
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (payload.restart || !this.running) return;
      log.error({ err: payload.error }, 'consumer crashed; rebuilding it');
      this.consuming = false;
      this.loop = this.disconnect().then(() => this.connectWithRetry());
    });
    await consumer.connect();
    await consumer.subscribe({ topics, fromBeginning: true });
    await consumer.run({ eachMessage: (payload) => this.handle(payload) });
    log.info({ groupId, topics }, 'consumer started');
  }

  private async disconnect(): Promise<void> {
    await this.consumer?.disconnect().catch(() => undefined);
    await this.producer?.disconnect().catch(() => undefined);
    this.consumer = undefined;
    this.producer = undefined;
  }

  /** Applies one event once; returns false when it had been applied before. Exposed for tests. */
  async apply(event: IntegrationEvent): Promise<boolean> {
    const handler = this.options.handlers[event.type];
    if (!handler) return false;
    const log = this.options.log.child({
      eventId: event.eventId,
      type: event.type,
      orderId: event.orderId,
      requestId: event.requestId,
    });
    // Events the handler emits carry the request id on (see createEvent).
    return withRequestId(event.requestId, () => this.applyOnce(handler, event, log));
  }

  private applyOnce(handler: EventHandler, event: IntegrationEvent, log: Logger): Promise<boolean> {
    return this.options.orm.em.fork().transactional(async (em) => {
      const inserted = await em.execute<{ event_id: string }[]>(
        'insert into processed_events (consumer, event_id) values (?, ?) on conflict do nothing returning event_id',
        [this.options.name, event.eventId],
      );
      if (inserted.length === 0) {
        log.debug('duplicate event skipped');
        return false;
      }
      await handler({ em, event, log });
      return true;
    });
  }

  /** {@link apply}, timed by outcome (`ok`, `duplicate`, `failed`) into the metrics. */
  private async applyObserved(event: IntegrationEvent): Promise<boolean> {
    const metrics = this.options.metrics;
    if (!metrics) return this.apply(event);
    const startedAt = performance.now();
    const observe = (outcome: string): void =>
      metrics.handlerDuration.observe({ event_type: event.type, outcome }, secondsSince(startedAt));
    try {
      const applied = await this.apply(event);
      observe(applied ? 'ok' : 'duplicate');
      return applied;
    } catch (error) {
      observe('failed');
      metrics.handlerFailures.inc({ event_type: event.type });
      throw error;
    }
  }

  private async handle({ topic, partition, message }: EachMessagePayload): Promise<void> {
    const replayFor = replayedFor(message.headers);
    if (replayFor !== undefined && replayFor !== this.options.name) {
      // A replay for another consumer: this one applied (or skipped) the original already.
      return;
    }
    const source = { topic, partition, offset: message.offset };
    let event: IntegrationEvent;
    try {
      event = parseEvent(message.value);
    } catch (error) {
      if (!(error instanceof MalformedEventError)) throw error;
      return this.deadLetter(source, message, { attempts: 0, error });
    }
    const attempts = retryPolicy({
      attempts: this.maxAttempts,
      initialDelayMs: this.retryDelayMs,
      maxDelayMs: 5_000,
      onRetry: (error, attempt, delay) =>
        this.options.log.warn(
          { err: error, eventId: event.eventId, requestId: event.requestId, attempt, retryInMs: delay },
          'event handler failed',
        ),
    });
    let attempted = 0;
    // The handling is a consumer span under the publisher's: what the handler writes to its own
    // outbox carries this span's context on, so the saga stays one trace.
    const span = consumeSpanOptions(
      contextFromKafkaHeaders(message.headers),
      { ...source, service: this.options.name },
      event,
    );
    const run = () =>
      attempts.execute(() => {
        attempted++;
        return this.applyObserved(event);
      }, this.stopping.signal);
    try {
      // Events of types it does not handle are skipped without a span (no noise in the trace).
      await (this.options.handlers[event.type] ? inSpan(`process ${topic}`, span, run) : run());
    } catch (error) {
      if (this.stopping.signal.aborted) throw error;
      return this.deadLetter(source, message, { attempts: attempted, error, event });
    }
  }

  /**
   * Copies the message to `<topic>.dlt` with what a replay needs in its headers, then raises the
   * alert: one error line marked `alert: 'dead-letter'` (positions, ids, the error's message; no
   * payload) and the {@link deadLettered} counter. The handler's transaction rolled back, so the
   * event is not in `processed_events` and a replay applies it once.
   */
  private async deadLetter(
    source: MessagePosition,
    message: KafkaMessage,
    failure: { attempts: number; error: unknown; event?: IntegrationEvent },
  ): Promise<void> {
    const { name, groupId, log } = this.options;
    const cause: DeadLetterCause = {
      source,
      consumer: name,
      groupId,
      attempts: failure.attempts,
      reason: failure.error instanceof Error ? failure.error.message : String(failure.error),
      at: new Date(),
      eventId: failure.event?.eventId,
      eventType: failure.event?.type,
    };
    const topic = deadLetterTopic(source.topic);
    // If this send fails, the handler throws and kafkajs redelivers: nothing is dropped silently.
    const [written] = await this.producer!.send({
      topic,
      acks: -1,
      messages: [{ key: message.key, value: message.value, headers: deadLetterHeaders(cause) }],
    });
    this.deadLetters.total++;
    this.deadLetters.byTopic[source.topic] = (this.deadLetters.byTopic[source.topic] ?? 0) + 1;
    this.options.metrics?.deadLetters.inc({ topic: source.topic, group: groupId });
    log.error(
      {
        alert: 'dead-letter',
        topic: source.topic,
        partition: source.partition,
        offset: source.offset,
        eventId: cause.eventId,
        eventType: cause.eventType,
        requestId: failure.event?.requestId,
        consumer: name,
        groupId,
        attempts: cause.attempts,
        error: cause.reason,
        deadLetter: written
          ? positionText({ topic, partition: written.partition, offset: written.baseOffset ?? '?' })
          : topic,
      },
      'message dead-lettered',
    );
  }
}
