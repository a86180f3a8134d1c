/**
 * `npm run bench:outbox`: how long an event takes from the COMMIT of its state change to a Kafka
 * consumer receiving it, through the real path — outbox row + insert trigger NOTIFY → relay →
 * idempotent producer (acks=all) → broker → consumer. Bounded: a fixed number of commits at a
 * steady rate, on loopback; it stops by itself. Results: bench/results/outbox.{json,md}.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import {
  createEvent,
  createKafka,
  createLogger,
  dropDatabase,
  enqueueEvent,
  ensureTopics,
  loadConfig,
  migrate,
  openDatabase,
  OutboxMessageSchema,
  OutboxRelay,
  topicSettingsOf,
} from '@marketplace/platform';
import { orderMigrations } from '@marketplace/migrations';
import { ensureKafka } from '../scripts/kafka/kafka';

const COMMITS = Number(process.env.BENCH_COMMITS || 1_000);
const INTERVAL_MS = Number(process.env.BENCH_INTERVAL_MS || 5);
const WARMUP = 50;

const percentile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

async function main(): Promise<void> {
  const kafkaHandle = await ensureKafka({ log: (message) => console.error(message) });
  const suffix = randomUUID().slice(0, 8);
  const config = {
    ...loadConfig('bench', { ...process.env, DATABASE_PREFIX: `mpbench_${suffix}` }),
    kafkaBrokers: kafkaHandle.brokers.split(','),
  };
  const log = createLogger('bench', 'silent');
  const topic = `bench.outbox.${suffix}`;
  const orm = await openDatabase({
    url: config.databaseUrl,
    databaseName: config.databaseName,
    entities: [OutboxMessageSchema],
    migrations: orderMigrations, // the outbox as a real service creates it
    log,
  });
  const kafka = createKafka(config, log);
  const relay = new OutboxRelay({
    orm,
    kafka,
    log,
    topics: [topic],
    topicSettings: topicSettingsOf(config),
    pollIntervalMs: config.outboxPollMs,
    retentionHours: config.outboxRetentionHours,
  });
  const consumer = kafka.consumer({ groupId: `bench-${suffix}`, maxWaitTimeInMs: 10 });
  try {
    await migrate(orm);
    await ensureTopics(kafka, [topic], topicSettingsOf(config));
    const committedAt = new Map<string, number>();
    const latencies: number[] = [];
    const sent = new Set<string>();
    let received = 0;
    let early = 0;
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const arrived = performance.now();
        const { eventId } = JSON.parse(message.value!.toString()) as { eventId: string };
        if (!sent.has(eventId) || received++ < WARMUP) return;
        const committed = committedAt.get(eventId);
        // Arriving before the committing call even returned: count it as 0 ms, not as a gap.
        if (committed === undefined) early++;
        latencies.push(committed === undefined ? 0 : Math.max(0, arrived - committed));
      },
    });
    await relay.start();

    for (let index = 0; index < COMMITS + WARMUP; index++) {
      const event = createEvent({
        type: 'BenchHappened',
        orderId: randomUUID(),
        version: 1,
        source: 'bench',
        payload: { index },
      });
      sent.add(event.eventId);
      await orm.em.fork().transactional(async (em) => {
        enqueueEvent(em, topic, event);
      });
      committedAt.set(event.eventId, performance.now());
      await new Promise((resolve) => setTimeout(resolve, INTERVAL_MS));
    }
    const deadline = Date.now() + 60_000;
    while (latencies.length < COMMITS && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 50));

    const sorted = [...latencies].sort((a, b) => a - b);
    const round = (value: number) => Math.round(value * 10) / 10;
    const result = {
      measuredAt: new Date().toISOString(),
      machine: {
        cpus: cpus().length,
        cpuModel: cpus()[0]?.model,
        memoryGiB: Math.round(totalmem() / 2 ** 30),
        node: process.version,
      },
      method: `${COMMITS} commits (after ${WARMUP} warm-up), one event each, every ${INTERVAL_MS} ms; latency = consumer receipt − commit returned (an event received before the committing call returned counts as 0 ms)`,
      received: latencies.length,
      receivedBeforeCommitReturned: early,
      latencyMs: {
        p50: round(percentile(sorted, 50)),
        p95: round(percentile(sorted, 95)),
        p99: round(percentile(sorted, 99)),
        max: round(sorted[sorted.length - 1]),
      },
    };
    const dir = join(__dirname, 'results');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'outbox.json'), `${JSON.stringify(result, null, 2)}\n`);
    writeFileSync(
      join(dir, 'outbox.md'),
      [
        '# Outbox → Kafka latency',
        '',
        `Measured ${result.measuredAt} on ${result.machine.cpus} cores (${result.machine.cpuModel}), ${result.machine.memoryGiB} GiB, Node ${result.machine.node}, local Apache Kafka (KRaft) and PostgreSQL on loopback.`,
        '',
        `Method: ${result.method}. The path is the production one: outbox insert in the state-change transaction, NOTIFY trigger, relay, idempotent producer with acks=all, broker, kafkajs consumer.`,
        '',
        '| p50 | p95 | p99 | max | events |',
        '| --- | --- | --- | --- | --- |',
        `| ${result.latencyMs.p50} ms | ${result.latencyMs.p95} ms | ${result.latencyMs.p99} ms | ${result.latencyMs.max} ms | ${result.received} |`,
        '',
      ].join('\n'),
    );
    console.log(JSON.stringify(result, null, 2));
  } finally {
    await consumer.disconnect().catch(() => undefined);
    await relay.stop();
    await orm.close(true);
    await dropDatabase(config.databaseUrl, config.databaseName);
    await kafkaHandle.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
