import { randomUUID } from 'node:crypto';
import { Migration } from '@mikro-orm/migrations';
import { Kafka, logLevel, type Consumer, type KafkaMessage } from 'kafkajs';
import {
  createEvent,
  createKafka,
  createLogger,
  deadLetterTopic,
  dropDatabase,
  enqueueEvent,
  ensureTopics,
  topicSettingsOf,
  IdempotentConsumer,
  migrate,
  openDatabase,
  OutboxMessageSchema,
  OutboxRelay,
  ProcessedEventSchema,
  type IntegrationEvent,
  type Orm,
} from '@marketplace/platform';
import { eventually, testConfig, uniquePrefix } from '@marketplace/platform/testing';
import { orderMigrations } from '@marketplace/migrations';

/** The outbox and processed-event tables as a real service has them (the order service's), plus an effect table. */
class EventsTestMigration extends Migration {
  override async up(): Promise<void> {
    this.addSql('create table effects (event_id uuid not null, note text not null)');
  }
}

const prefix = uniquePrefix();
const config = testConfig('events', prefix);
const log = createLogger('events-test', 'silent');
const kafka = createKafka(config, log);
const topicSettings = topicSettingsOf(config);
const rawKafka = new Kafka({
  clientId: 'events-test',
  brokers: config.kafkaBrokers,
  logLevel: logLevel.NOTHING,
});
const topic = `${prefix}.test.events`;
let orm: Orm;
const cleanups: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  orm = await openDatabase({
    url: config.databaseUrl,
    databaseName: config.databaseName,
    entities: [OutboxMessageSchema, ProcessedEventSchema],
    migrations: [...orderMigrations, { name: 'EventsTestMigration', class: EventsTestMigration }],
    log,
  });
  await migrate(orm);
  await ensureTopics(kafka, [topic, deadLetterTopic(topic)], topicSettings);
});

afterAll(async () => {
  await Promise.all(cleanups.map((cleanup) => cleanup()));
  await orm.close(true);
  await dropDatabase(config.databaseUrl, config.databaseName);
});

const event = (orderId: string, version: number, payload: unknown = {}): IntegrationEvent =>
  createEvent({ type: 'ThingHappened', orderId, version, source: 'test', payload });

/** Collects every message of `topicName` from the beginning, in a fresh group. */
async function collect(topicName: string): Promise<KafkaMessage[]> {
  const messages: KafkaMessage[] = [];
  const consumer: Consumer = rawKafka.consumer({ groupId: `collector-${randomUUID()}` });
  cleanups.push(() => consumer.disconnect());
  await consumer.connect();
  await consumer.subscribe({ topic: topicName, fromBeginning: true });
  await consumer.run({ eachMessage: async ({ message }) => void messages.push(message) });
  return messages;
}

function startRelay(pollIntervalMs: number): OutboxRelay {
  const relay = new OutboxRelay({
    orm,
    kafka,
    log,
    topics: [topic],
    pollIntervalMs,
    retentionHours: 24,
    topicSettings,
  });
  cleanups.push(() => relay.stop());
  return relay;
}

const eventIds = (messages: KafkaMessage[], orderId: string): IntegrationEvent[] =>
  messages
    .map((message) => JSON.parse(message.value!.toString()) as IntegrationEvent)
    .filter((published) => published.orderId === orderId);

describe('transactional outbox and relay', () => {
  it('publishes a committed event on NOTIFY, long before the safety-net poll would', async () => {
    const relay = startRelay(120_000);
    await relay.start();
    await relay.drained();
    const messages = await collect(topic);
    const orderId = randomUUID();
    await orm.em.fork().transactional(async (em) => {
      enqueueEvent(em, topic, event(orderId, 1));
    });
    // The poll interval is two minutes: only the NOTIFY from the insert trigger can make this pass.
    await eventually(() => eventIds(messages, orderId).length === 1, {
      timeoutMs: 15_000,
      message: 'the event',
    });
    const published = eventIds(messages, orderId)[0];
    expect(published).toMatchObject({ type: 'ThingHappened', orderId, version: 1, schemaVersion: 1 });
    const keyed = messages.find((message) => JSON.parse(message.value!.toString()).orderId === orderId);
    expect(keyed?.key?.toString()).toBe(orderId);
    await relay.stop();
  });

  it('publishes nothing for a rolled-back transaction', async () => {
    const orderId = randomUUID();
    await expect(
      orm.em.fork().transactional(async (em) => {
        enqueueEvent(em, topic, event(orderId, 1));
        await em.flush();
        throw new Error('business rule failed');
      }),
    ).rejects.toThrow('business rule failed');
    const rows = await orm.em
      .getConnection()
      .execute('select * from outbox where message_key = ?', [orderId]);
    expect(rows).toHaveLength(0);
  });

  it("keeps one order's events in commit order", async () => {
    const relay = startRelay(50);
    await relay.start();
    const messages = await collect(topic);
    const orderId = randomUUID();
    for (let version = 1; version <= 30; version++) {
      await orm.em.fork().transactional(async (em) => {
        enqueueEvent(em, topic, event(orderId, version));
      });
    }
    await eventually(() => eventIds(messages, orderId).length === 30, {
      timeoutMs: 20_000,
      message: '30 events',
    });
    expect(eventIds(messages, orderId).map((published) => published.version)).toEqual(
      Array.from({ length: 30 }, (_, index) => index + 1),
    );
    await relay.stop();
  });

  it('lets a standby relay take over, publishing every event exactly once', async () => {
    const first = startRelay(50);
    const second = startRelay(50);
    await first.start();
    await first.drained();
    await second.start();
    const messages = await collect(topic);
    const orderId = randomUUID();
    for (let version = 1; version <= 10; version++) {
      await orm.em.fork().transactional(async (em) => enqueueEvent(em, topic, event(orderId, version)));
    }
    await eventually(() => eventIds(messages, orderId).length >= 10, {
      timeoutMs: 20_000,
      message: 'first 10',
    });
    await first.stop();
    for (let version = 11; version <= 20; version++) {
      await orm.em.fork().transactional(async (em) => enqueueEvent(em, topic, event(orderId, version)));
    }
    await eventually(() => eventIds(messages, orderId).length >= 20, {
      timeoutMs: 20_000,
      message: 'last 10',
    });
    await second.drained();
    expect(eventIds(messages, orderId).map((published) => published.version)).toEqual(
      Array.from({ length: 20 }, (_, index) => index + 1),
    );
    await second.stop();
  });
});

describe('idempotent consumer', () => {
  const producer = rawKafka.producer();
  beforeAll(() => producer.connect());
  afterAll(() => producer.disconnect());

  async function startConsumer(
    name: string,
    handler: (event: IntegrationEvent) => Promise<void> | void,
    consumedTopic: string,
  ): Promise<IdempotentConsumer> {
    const consumer = new IdempotentConsumer({
      name,
      groupId: `${prefix}.${name}`,
      topics: [consumedTopic],
      orm,
      kafka,
      log,
      maxAttempts: 3,
      retryDelayMs: 10,
      topicSettings,
      handlers: {
        ThingHappened: async ({ em, event: received }) => {
          await handler(received);
          await em.execute('insert into effects (event_id, note) values (?, ?)', [received.eventId, name]);
        },
      },
    });
    cleanups.push(() => consumer.stop());
    await consumer.start();
    return consumer;
  }

  const effects = async (name: string): Promise<string[]> =>
    (
      await orm.em
        .getConnection()
        .execute<{ event_id: string }[]>('select event_id from effects where note = ? order by event_id', [
          name,
        ])
    ).map((row) => row.event_id);

  it('applies an event delivered twice only once', async () => {
    const consumedTopic = `${prefix}.dedupe.events`;
    await ensureTopics(kafka, [consumedTopic], topicSettings);
    await startConsumer('dedupe', () => undefined, consumedTopic);
    const duplicated = event(randomUUID(), 1);
    const other = event(randomUUID(), 1);
    for (const sent of [duplicated, duplicated, other, duplicated]) {
      await producer.send({
        topic: consumedTopic,
        messages: [{ key: sent.orderId, value: JSON.stringify(sent) }],
      });
    }
    await eventually(async () => (await effects('dedupe')).length === 2, {
      timeoutMs: 20_000,
      message: 'two effects',
    });
    // Give a would-be duplicate every chance to land before asserting it did not.
    const marker = event(randomUUID(), 1);
    await producer.send({
      topic: consumedTopic,
      messages: [{ key: duplicated.orderId, value: JSON.stringify(marker) }],
    });
    await eventually(async () => (await effects('dedupe')).includes(marker.eventId), {
      timeoutMs: 5_000,
      message: 'marker',
    });
    expect((await effects('dedupe')).sort()).toEqual(
      [duplicated.eventId, other.eventId, marker.eventId].sort(),
    );
  });

  it('retries a failing handler with backoff, then applies it once', async () => {
    const consumedTopic = `${prefix}.retry.events`;
    await ensureTopics(kafka, [consumedTopic], topicSettings);
    let failures = 0;
    await startConsumer(
      'retry',
      () => {
        if (failures < 2) {
          failures++;
          throw new Error('database hiccup');
        }
      },
      consumedTopic,
    );
    const sent = event(randomUUID(), 1);
    await producer.send({
      topic: consumedTopic,
      messages: [{ key: sent.orderId, value: JSON.stringify(sent) }],
    });
    await eventually(async () => (await effects('retry')).length === 1, {
      timeoutMs: 20_000,
      message: 'the effect',
    });
    expect(failures).toBe(2);
  });

  it('dead-letters poison messages and keeps consuming the partition', async () => {
    const consumedTopic = `${prefix}.poison.events`;
    await ensureTopics(kafka, [consumedTopic, deadLetterTopic(consumedTopic)], topicSettings);
    const deadLetters = await collect(deadLetterTopic(consumedTopic));
    const key = randomUUID();
    const failing = event(key, 1, { fail: true });
    const after = event(key, 2);
    await startConsumer(
      'poison',
      (received) => {
        if ((received.payload as { fail?: boolean }).fail) throw new Error('cannot apply this');
      },
      consumedTopic,
    );
    await producer.send({
      topic: consumedTopic,
      messages: [
        { key, value: 'this is not json' },
        { key, value: JSON.stringify(failing) },
        { key, value: JSON.stringify(after) },
      ],
    });
    await eventually(async () => (await effects('poison')).includes(after.eventId), {
      timeoutMs: 20_000,
      message: 'later event',
    });
    await eventually(() => deadLetters.length === 2, { timeoutMs: 20_000, message: 'two dead letters' });
    expect(deadLetters.map((message) => message.headers?.['x-dlt-reason']?.toString())).toEqual([
      'message is not JSON',
      'cannot apply this',
    ]);
    expect(deadLetters[1].value?.toString()).toBe(JSON.stringify(failing));
    expect(await effects('poison')).toEqual([after.eventId]);
  });
});
