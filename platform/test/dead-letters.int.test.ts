import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Migration } from '@mikro-orm/migrations';
import { ConfigResourceTypes } from 'kafkajs';
import pino from 'pino';
import {
  BroadcastConsumer,
  createEvent,
  createKafka,
  deadLetterTopic,
  DeadLetterAdmin,
  dropDatabase,
  ensureTopics,
  IdempotentConsumer,
  migrate,
  openDatabase,
  ProcessedEventSchema,
  topicSettingsOf,
  TOPICS,
  type IntegrationEvent,
  type Orm,
} from '@marketplace/platform';
import { eventually, testConfig, uniquePrefix } from '@marketplace/platform/testing';
import { orderMigrations } from '@marketplace/migrations';

/** The processed-event table as a real service has it (the order service's), plus an effect table. */
class DeadLettersTestMigration extends Migration {
  override async up(): Promise<void> {
    this.addSql('create table effects (event_id uuid not null, consumer text not null)');
  }
}

const prefix = uniquePrefix();
const config = testConfig('deadletters', prefix);
/** Every log line as JSON, so the test can find the alert. */
const logLines: Record<string, unknown>[] = [];
const log = pino({ level: 'info' }, { write: (line: string) => void logLines.push(JSON.parse(line)) });
const kafka = createKafka(config, log);
const topicSettings = topicSettingsOf(config);
const topic = `${config.kafkaNamespace}${TOPICS.order}`;
const admin = new DeadLetterAdmin({ kafka, namespace: config.kafkaNamespace, topicSettings });
const producer = kafka.producer();
let orm: Orm;
const consumers: IdempotentConsumer[] = [];
/** The failing consumer's handler throws until the cause is "fixed". */
let fixed = false;
const handled = { failing: 0 };

function startConsumer(name: 'failing' | 'healthy'): IdempotentConsumer {
  const consumer = new IdempotentConsumer({
    name,
    groupId: `${config.kafkaNamespace}${name}`,
    topics: [topic],
    orm,
    kafka,
    log,
    maxAttempts: 3,
    retryDelayMs: 10,
    topicSettings,
    handlers: {
      ThingHappened: async ({ em, event }) => {
        if (name === 'failing') handled.failing++;
        if (name === 'failing' && !fixed) throw new Error('cannot apply this yet');
        await em.execute('insert into effects (event_id, consumer) values (?, ?)', [event.eventId, name]);
      },
    },
  });
  consumers.push(consumer);
  return consumer;
}

const effects = async (consumer: string, eventId: string): Promise<number> =>
  (
    await orm.em
      .getConnection()
      .execute<{ count: string }[]>(
        'select count(*) as count from effects where consumer = ? and event_id = ?',
        [consumer, eventId],
      )
  ).map((row) => Number(row.count))[0];

const processed = async (consumer: string, eventId: string): Promise<boolean> =>
  (
    await orm.em
      .getConnection()
      .execute('select 1 from processed_events where consumer = ? and event_id = ?', [consumer, eventId])
  ).length === 1;

const publish = (event: IntegrationEvent): Promise<unknown> =>
  producer.send({ topic, messages: [{ key: event.orderId, value: JSON.stringify(event) }] });

/** Sends a later event of the same order and waits until `consumer` applied it: everything before it was handled. */
async function drained(consumer: 'failing' | 'healthy', orderId: string): Promise<void> {
  const marker = createEvent({ type: 'ThingHappened', orderId, version: 99, source: 'test', payload: {} });
  await publish(marker);
  await eventually(async () => (await effects(consumer, marker.eventId)) === 1, {
    timeoutMs: 15_000,
    message: `${consumer} to apply the marker`,
  });
}

const orderId = randomUUID();
/** A payload with personal data that must not reach the logs. */
const failing = createEvent({
  type: 'ThingHappened',
  orderId,
  version: 1,
  source: 'test',
  payload: { email: 'private.person@example.com' },
});

beforeAll(async () => {
  orm = await openDatabase({
    url: config.databaseUrl,
    databaseName: config.databaseName,
    entities: [ProcessedEventSchema],
    migrations: [...orderMigrations, { name: 'DeadLettersTestMigration', class: DeadLettersTestMigration }],
    log,
  });
  await migrate(orm);
  await ensureTopics(kafka, [topic], topicSettings);
  await producer.connect();
  const started = [startConsumer('failing'), startConsumer('healthy')];
  await Promise.all(started.map((consumer) => consumer.start()));
  await Promise.all(started.map((consumer) => consumer.ready(30_000)));
}, 60_000);

afterAll(async () => {
  await Promise.all(consumers.map((consumer) => consumer.stop()));
  await producer.disconnect();
  await orm.close(true);
  await dropDatabase(config.databaseUrl, config.databaseName);
});

describe('dead letters', () => {
  it('dead-letters an event its handler cannot apply, with one alert line and a counter, and records nothing as processed', async () => {
    await publish(failing);
    const alerts = (): Record<string, unknown>[] =>
      logLines.filter((line) => line.alert === 'dead-letter' && line.eventId === failing.eventId);
    await eventually(() => alerts().length === 1, { timeoutMs: 15_000, message: 'the dead-letter alert' });
    await eventually(async () => (await effects('healthy', failing.eventId)) === 1, {
      timeoutMs: 15_000,
      message: 'the healthy consumer to apply the event',
    });

    const [alert] = alerts();
    expect(alert).toMatchObject({
      level: 50,
      msg: 'message dead-lettered',
      topic,
      eventId: failing.eventId,
      eventType: 'ThingHappened',
      consumer: 'failing',
      groupId: `${config.kafkaNamespace}failing`,
      attempts: 3,
      error: 'cannot apply this yet',
    });
    expect(alert).toHaveProperty('partition');
    expect(alert).toHaveProperty('offset');
    expect(JSON.stringify(logLines)).not.toContain('private.person@example.com');
    expect(consumers[0].deadLettered).toEqual({ total: 1, byTopic: { [topic]: 1 } });
    expect(handled.failing).toBe(3);
    // The failed attempts rolled back: a replay will find the event unapplied.
    expect(await processed('failing', failing.eventId)).toBe(false);
    expect(await processed('healthy', failing.eventId)).toBe(true);
  });

  it('keeps dead letters until they are deleted', async () => {
    const kafkaAdmin = kafka.admin();
    await kafkaAdmin.connect();
    try {
      const { resources } = await kafkaAdmin.describeConfigs({
        includeSynonyms: false,
        resources: [
          { type: ConfigResourceTypes.TOPIC, name: deadLetterTopic(topic), configNames: ['retention.ms'] },
        ],
      });
      expect(resources[0].configEntries).toMatchObject([{ configName: 'retention.ms', configValue: '-1' }]);
    } finally {
      await kafkaAdmin.disconnect();
    }
  });

  it('lists the dead letter with what a replay needs', async () => {
    const listed = await admin.list();
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({
      eventId: failing.eventId,
      eventType: 'ThingHappened',
      source: { topic },
      consumer: 'failing',
      groupId: `${config.kafkaNamespace}failing`,
      attempts: 3,
      reason: 'cannot apply this yet',
      replayedAt: undefined,
    });
    expect(listed[0].value?.toString()).toBe(JSON.stringify(failing));
    expect(await admin.list({ group: 'healthy' })).toEqual([]);
    expect(await admin.list({ group: `${config.kafkaNamespace}failing` })).toHaveLength(1);
  });

  it('replays it to the failed consumer only, which applies it once; the others had it already', async () => {
    fixed = true;
    const healthyApplies = jest.spyOn(consumers[1], 'apply');
    const broadcast: string[] = [];
    const live = new BroadcastConsumer({
      kafka,
      topic,
      topicSettings,
      groupId: `${config.kafkaNamespace}live-${randomUUID()}`,
      log,
      onEvents: async (events) => void broadcast.push(...events.map(({ eventId }) => eventId)),
    });
    live.start();
    await eventually(() => live.consuming, { timeoutMs: 15_000, message: 'the live reader to join' });
    const result = await admin.replay({ eventIds: [failing.eventId, 'not-a-dead-letter'] });
    expect(result.replayed.map(({ eventId }) => eventId)).toEqual([failing.eventId]);
    expect(result.unknownEventIds).toEqual(['not-a-dead-letter']);
    await eventually(async () => (await effects('failing', failing.eventId)) === 1, {
      timeoutMs: 15_000,
      message: 'the replayed event to be applied',
    });
    await drained('healthy', orderId);
    expect(await effects('healthy', failing.eventId)).toBe(1);
    // The replay is addressed to "failing": the healthy consumer does not even look it up.
    expect(healthyApplies.mock.calls.map(([event]) => event.eventId)).not.toContain(failing.eventId);
    healthyApplies.mockRestore();
    // Live readers (the gateway's tracking) saw the original; the replay is not broadcast again.
    await eventually(() => broadcast.length > 0, {
      timeoutMs: 15_000,
      message: 'the marker to be broadcast',
    });
    await live.stop();
    expect(broadcast).not.toContain(failing.eventId);
    const [listed] = await admin.list();
    expect(listed.replayedAt).toBeInstanceOf(Date);
  });

  it('does not apply a second replay again, even when forced to re-send it', async () => {
    const again = await admin.replay({ all: true });
    expect(again.replayed).toEqual([]);
    expect(again.skipped.map(({ reason }) => reason)).toEqual([expect.stringMatching(/^already replayed/)]);
    const forced = await admin.replay({ eventIds: [failing.eventId], force: true });
    expect(forced.replayed).toHaveLength(1);
    await drained('failing', orderId);
    expect(await effects('failing', failing.eventId)).toBe(1);
    expect(consumers[0].deadLettered.total).toBe(1);
  });

  it('reads and replays a record written before the replay headers existed', async () => {
    const legacy = createEvent({ type: 'ThingHappened', orderId, version: 2, source: 'test', payload: {} });
    await producer.send({
      topic: deadLetterTopic(topic),
      messages: [
        {
          key: orderId,
          value: JSON.stringify(legacy),
          headers: {
            'x-dlt-reason': 'an old failure',
            'x-dlt-consumer': 'failing',
            'x-dlt-source': `${topic}/0/7`,
          },
        },
      ],
    });
    const result = await admin.replay({ eventIds: [legacy.eventId] });
    expect(result.replayed).toMatchObject([
      { eventId: legacy.eventId, source: { topic, partition: 0, offset: '7' }, reason: 'an old failure' },
    ]);
    await eventually(async () => (await effects('failing', legacy.eventId)) === 1, {
      timeoutMs: 15_000,
      message: 'the legacy record to be applied',
    });
  });

  it('lists through the command line', async () => {
    const { stdout } = await promisify(execFile)(
      join(__dirname, '..', '..', 'node_modules', '.bin', 'tsx'),
      ['scripts/dlt/dlt.ts', 'list', '--group', 'failing', '--json'],
      { cwd: join(__dirname, '..', '..'), env: { ...process.env, KAFKA_NAMESPACE: config.kafkaNamespace } },
    );
    const listed = JSON.parse(stdout) as { eventId: string; replayedAt?: string }[];
    expect(listed.map(({ eventId }) => eventId)).toContain(failing.eventId);
    expect(listed.every(({ replayedAt }) => replayedAt !== undefined)).toBe(true);
  }, 60_000);
});
