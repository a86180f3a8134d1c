import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { ApolloServer } from '@apollo/server';
import {
  closeServer,
  createEvent,
  createGraphQLHttpServer,
  createKafka,
  createLogger,
  dropDatabase,
  enqueueEvent,
  IdempotentConsumer,
  listen,
  migrate,
  openDatabase,
  OutboxMessageSchema,
  OutboxRelay,
  ProcessedEventSchema,
  topicSettingsOf,
  type Orm,
} from '@marketplace/platform';
import { capturingLogger, eventually, testConfig, uniquePrefix } from '@marketplace/platform/testing';
import { orderMigrations } from '@marketplace/migrations';

const prefix = uniquePrefix();
const config = testConfig('correlation', prefix);
const quiet = createLogger('correlation-test', 'silent');
const kafka = createKafka(config, quiet);
const topicSettings = topicSettingsOf(config);
const topic = `${prefix}.correlation.events`;
const { log: consumerLog, lines } = capturingLogger('consumer');
let orm: Orm;
let server: Server;
let url: string;
const stops: (() => Promise<unknown>)[] = [];

/**
 * A request writes `Started` to the outbox; its consumer writes `Continued` (the next hop of a
 * saga), whose consumer logs too. Both handlers' lines must name the request.
 */
beforeAll(async () => {
  orm = await openDatabase({
    url: config.databaseUrl,
    databaseName: config.databaseName,
    entities: [OutboxMessageSchema, ProcessedEventSchema],
    migrations: orderMigrations,
    log: quiet,
  });
  await migrate(orm);
  const apollo = new ApolloServer({
    typeDefs: 'type Query { ok: Boolean } type Mutation { start(orderId: ID!): Boolean }',
    resolvers: {
      Mutation: {
        start: async (_: unknown, { orderId }: { orderId: string }) => {
          await orm.em.fork().transactional(async (em) => {
            enqueueEvent(
              em,
              topic,
              createEvent({ type: 'Started', orderId, version: 1, source: 'test', payload: {} }),
            );
          });
          return true;
        },
      },
    },
  });
  await apollo.start();
  stops.push(() => apollo.stop());
  server = createGraphQLHttpServer({ apollo, context: async () => ({}), log: quiet });
  url = `http://127.0.0.1:${await listen(server, 0, '127.0.0.1')}/graphql`;
  stops.push(() => closeServer(server));

  const relay = new OutboxRelay({
    orm,
    kafka,
    log: quiet,
    topics: [topic],
    pollIntervalMs: 1_000,
    retentionHours: 1,
    topicSettings,
  });
  const consumer = new IdempotentConsumer({
    name: 'correlation',
    groupId: `${prefix}.correlation`,
    topics: [topic],
    orm,
    kafka,
    log: consumerLog,
    maxAttempts: 1,
    topicSettings,
    handlers: {
      Started: async ({ em, event, log }) => {
        log.info('started handled');
        const next = createEvent({
          type: 'Continued',
          orderId: event.orderId,
          version: 2,
          source: 'test',
          payload: {},
        });
        enqueueEvent(em, topic, next);
      },
      Continued: async ({ log }) => log.info('continued handled'),
    },
  });
  await relay.start();
  await consumer.start();
  stops.push(
    () => consumer.stop(),
    () => relay.stop(),
  );
  await consumer.ready(30_000);
});

afterAll(async () => {
  for (const stop of stops.reverse()) await stop();
  await orm.close(true);
  await dropDatabase(config.databaseUrl, config.databaseName);
});

const handled = (orderId: string, message: string) =>
  lines.find((line) => line.orderId === orderId && line.msg === message);

describe('request id across the saga', () => {
  it("logs every hop of the events a request caused under that request's id, the one it answered with", async () => {
    const orderId = randomUUID();
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `mutation { start(orderId: "${orderId}") }` }),
    });
    const requestId = response.headers.get('x-request-id');
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    await eventually(() => handled(orderId, 'continued handled') !== undefined, {
      timeoutMs: 20_000,
      message: 'the second hop of the saga',
    });
    expect(handled(orderId, 'started handled')).toMatchObject({ requestId, type: 'Started' });
    expect(handled(orderId, 'continued handled')).toMatchObject({ requestId, type: 'Continued' });
  });

  it('writes no request id for events no request caused', async () => {
    const orderId = randomUUID();
    await orm.em.fork().transactional(async (em) => {
      enqueueEvent(
        em,
        topic,
        createEvent({ type: 'Continued', orderId, version: 1, source: 'test', payload: {} }),
      );
    });
    await eventually(() => handled(orderId, 'continued handled') !== undefined, {
      timeoutMs: 20_000,
      message: 'the event',
    });
    expect(handled(orderId, 'continued handled')).not.toHaveProperty('requestId');
  });
});
