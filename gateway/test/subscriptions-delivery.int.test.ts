import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect as tcpConnect, type Server, type Socket as TcpSocket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createKafka,
  createLogger,
  namespaced,
  OutboxRelay,
  TOPICS,
  topicSettingsOf,
} from '@marketplace/platform';
import { eventually, graphql } from '@marketplace/platform/testing';
import type { RunningGateway } from '../src/server';
import { REACTION_MS, within } from './deadline';
import {
  connect,
  errorCodesOf,
  startSubscriptionFixture,
  subscribe,
  type Socket,
  type SubscriptionFixture,
} from './subscriptions.harness';

const VERSIONS = 'subscription ($id: ID!) { orderStatusChanged(orderId: $id) { version status } }';

interface VersionEvent {
  orderStatusChanged: { version: number; status: string };
}

let fixture: SubscriptionFixture;
let gateway: RunningGateway;
const sockets: Socket[] = [];
const alice = randomUUID();

function open(target: RunningGateway, token: string): Socket {
  const socket = connect(target, { Authorization: `Bearer ${token}` });
  sockets.push(socket);
  return socket;
}

const registered = (target: RunningGateway, count: number): Promise<true> =>
  eventually(() => target.subscriptions!.fanOut.size === count || undefined, {
    timeoutMs: 5_000,
    message: `${count} subscription(s) to be registered`,
  });

const versionsOf = (results: { data?: VersionEvent | null }[]): (number | undefined)[] =>
  results.map((result) => result.data?.orderStatusChanged.version);

beforeAll(async () => {
  fixture = await startSubscriptionFixture();
  gateway = await fixture.startGateway();
  await eventually(() => gateway.subscriptions!.source.consuming, {
    timeoutMs: 20_000,
    message: 'the consumer to join',
  });
});

afterEach(async () => {
  await Promise.all(sockets.splice(0).map((socket) => socket.client.dispose()));
  await eventually(() => gateway.subscriptions!.fanOut.size === 0, {
    timeoutMs: 5_000,
    message: 'subscriptions to end',
  });
});

afterAll(async () => {
  await fixture?.stop();
});

describe('subscriptions: delivery guarantees', () => {
  it('delivers the status changes committed to the order outbox, as the outbox relay publishes them', async () => {
    const order = await fixture.createOrder(alice);
    const received = subscribe(
      open(gateway, fixture.tokenFor(alice)),
      'subscription ($id: ID!) { orderStatusChanged(orderId: $id) { version status previousStatus order { status } } }',
      { id: order.id },
    );
    await registered(gateway, 1);
    await fixture.order.services.orders.changeStatus(
      { em: fixture.order.orm.em.fork() },
      order.id,
      'AWAITING_PAYMENT',
    );

    const log = createLogger('test-relay', 'silent');
    const relay = new OutboxRelay({
      orm: fixture.order.orm,
      kafka: createKafka(fixture.order.config, log),
      log,
      topics: [namespaced(fixture.order.config, TOPICS.order)],
      topicSettings: topicSettingsOf(fixture.order.config),
      pollIntervalMs: fixture.order.config.outboxPollMs,
      retentionHours: fixture.order.config.outboxRetentionHours,
    });
    await relay.start();
    try {
      await eventually(() => received.results.length === 2, {
        timeoutMs: 5_000,
        message: 'both status changes',
      });
    } finally {
      await relay.stop();
    }
    const current = { status: 'AWAITING_PAYMENT' };
    expect(received.results).toEqual([
      {
        data: { orderStatusChanged: { version: 1, status: 'PENDING', previousStatus: null, order: current } },
      },
      {
        data: {
          orderStatusChanged: {
            version: 2,
            status: 'AWAITING_PAYMENT',
            previousStatus: 'PENDING',
            order: current,
          },
        },
      },
    ]);
  });

  it('delivers versions in order, once, dropping duplicates and stale redeliveries', async () => {
    const order = await fixture.createOrder(alice);
    const received = subscribe<VersionEvent>(open(gateway, fixture.tokenFor(alice)), VERSIONS, {
      id: order.id,
    });
    await registered(gateway, 1);

    const publish = (version: number, eventId?: string) =>
      fixture.publish({ orderId: order.id, userId: alice, version, eventId });
    const second = await publish(2);
    await publish(2, second.eventId); // the relay re-sending the same event
    await publish(1); // an older event redelivered
    await publish(4);
    await publish(3); // older than what was delivered
    await publish(5);

    await eventually(() => received.results.length >= 3 && versionsOf(received.results).includes(5), {
      timeoutMs: 5_000,
      message: 'version 5',
    });
    expect(versionsOf(received.results)).toEqual([2, 4, 5]);
  });

  it("resumes from the committed offset after the gateway's consumer restarts, without repeating events", async () => {
    const order = await fixture.createOrder(alice);
    const received = subscribe<VersionEvent>(open(gateway, fixture.tokenFor(alice)), VERSIONS, {
      id: order.id,
    });
    await registered(gateway, 1);
    await fixture.publish({ orderId: order.id, userId: alice, version: 2 });
    await eventually(() => received.results.length === 1, { timeoutMs: 5_000, message: 'version 2' });
    const { source } = gateway.subscriptions!;

    // Produced while the consumer is down: delivered once it is back.
    await source.stop();
    await fixture.publish({ orderId: order.id, userId: alice, version: 3 });
    source.start();
    await eventually(() => versionsOf(received.results).includes(3), {
      timeoutMs: 5_000,
      message: 'version 3',
    });

    // Kafka redelivers the whole topic (as after a lost commit): nothing is delivered twice.
    await source.stop();
    const admin = createKafka(fixture.order.config, createLogger('test', 'silent')).admin();
    await admin.connect();
    const topic = namespaced(fixture.order.config, TOPICS.order);
    const starts = await admin.fetchTopicOffsets(topic);
    await admin.setOffsets({
      groupId: namespaced(fixture.order.config, `gateway.${gateway.config.subscriptions.instanceId}`),
      topic,
      partitions: starts.map(({ partition, low }) => ({ partition, offset: low })),
    });
    await admin.disconnect();
    source.start();
    await fixture.publish({ orderId: order.id, userId: alice, version: 4 });
    await eventually(() => versionsOf(received.results).includes(4), {
      timeoutMs: 5_000,
      message: 'version 4',
    });

    expect(versionsOf(received.results)).toEqual([2, 3, 4]);
  });

  it('lets two gateway instances each deliver every event to their own clients', async () => {
    const second = await fixture.startGateway();
    await eventually(() => second.subscriptions!.source.consuming, {
      timeoutMs: 20_000,
      message: 'the second consumer',
    });
    const order = await fixture.createOrder(alice);
    const token = fixture.tokenFor(alice);
    const onFirst = subscribe<VersionEvent>(open(gateway, token), VERSIONS, { id: order.id });
    const onSecond = subscribe<VersionEvent>(open(second, token), VERSIONS, { id: order.id });
    await Promise.all([registered(gateway, 1), registered(second, 1)]);

    await fixture.publish({ orderId: order.id, userId: alice, version: 2 });
    await fixture.publish({ orderId: order.id, userId: alice, version: 3 });

    await eventually(() => onFirst.results.length === 2 && onSecond.results.length === 2, {
      timeoutMs: 5_000,
      message: 'both instances to deliver both events',
    });
    expect(versionsOf(onFirst.results)).toEqual([2, 3]);
    expect(versionsOf(onSecond.results)).toEqual([2, 3]);
    await second.stop();
  });
});

describe('subscriptions: federated payloads', () => {
  const TRACK = /* GraphQL */ `
    subscription Track($id: ID!, $withDelivery: Boolean!) {
      event: orderStatusChanged(orderId: $id) {
        status
        previousStatus
        version
        placed: order {
          ...OrderLines
          payment {
            status
            amount {
              amount
            }
          }
          delivery @include(if: $withDelivery) {
            status
          }
        }
      }
    }
    fragment OrderLines on Order {
      id
      items {
        quantity
        item: product {
          name
        }
      }
    }
  `;

  /** Pays for an order through the payment service, as its saga would: a funded wallet, then payOrder. */
  async function payFor(orderId: string, amount: number): Promise<void> {
    const { services, orm, config } = fixture.payment;
    const context = { em: orm.em.fork() };
    await services.wallets.topUp(context, alice, amount);
    const total = { amount, currency: config.currency };
    await services.orderPayments.recordPlaced(context, { orderId, userId: alice, total, version: 1 });
    await services.orderPayments.recordStatusChange(context, orderId, 'AWAITING_PAYMENT', 2);
    await services.orderPayments.payOrder(context, orderId);
  }

  it("resolves the client's order selection across subgraphs, with aliases, fragments and directives", async () => {
    const order = await fixture.createOrder(alice);
    await payFor(order.id, order.line.unitPriceAmount);
    await fixture.delivery.services.deliveries.createDelivery(
      { em: fixture.delivery.orm.em.fork() },
      { orderId: order.id, userId: alice, destination: '1 Test Street, Moscow' },
    );
    const received = subscribe(open(gateway, fixture.tokenFor(alice)), TRACK, {
      id: order.id,
      withDelivery: true,
    });
    await registered(gateway, 1);

    await fixture.publish({ orderId: order.id, userId: alice, version: 2, previousStatus: 'PENDING' });

    await eventually(() => received.results.length === 1, { timeoutMs: 5_000, message: 'the event' });
    expect(received.results[0]).toEqual({
      data: {
        event: {
          status: 'AWAITING_PAYMENT',
          previousStatus: 'PENDING',
          version: 2,
          placed: {
            id: order.id,
            items: [{ quantity: 1, item: { name: order.line.productName } }],
            payment: { status: 'SUCCEEDED', amount: { amount: order.line.unitPriceAmount } },
            delivery: { status: 'CREATED' },
          },
        },
      },
    });
  });

  it('executes the order selection once per event for each distinct (selection, viewer)', async () => {
    const order = await fixture.createOrder(alice);
    const SELECTION =
      'subscription ($id: ID!) { orderStatusChanged(orderId: $id) { version order { id status } } }';
    const OTHER = 'subscription ($id: ID!) { orderStatusChanged(orderId: $id) { version order { id } } }';
    const owner = fixture.tokenFor(alice);
    const admin = fixture.tokenFor(randomUUID(), 'ADMIN');
    const subscribers = [
      subscribe(open(gateway, owner), SELECTION, { id: order.id }),
      subscribe(open(gateway, owner), SELECTION, { id: order.id }),
      subscribe(open(gateway, owner), SELECTION, { id: order.id }),
      subscribe(open(gateway, admin), SELECTION, { id: order.id }),
      subscribe(open(gateway, owner), OTHER, { id: order.id }),
    ];
    await registered(gateway, subscribers.length);
    let orderRequests = 0;
    const count = (): void => void orderRequests++;
    fixture.order.server.on('request', count);

    await fixture.publish({ orderId: order.id, userId: alice, version: 2 });
    await eventually(() => subscribers.every((received) => received.results.length === 1), {
      timeoutMs: 5_000,
      message: 'every subscriber to get the event',
    });
    fixture.order.server.off('request', count);

    // Owner × SELECTION, admin × SELECTION, owner × OTHER.
    expect(orderRequests).toBe(3);
    expect(subscribers.map((received) => received.results[0].errors)).toEqual(Array(5).fill(undefined));
  });
});

describe('subscriptions: start-up and schema', () => {
  it('serves HTTP while Kafka is unreachable and starts consuming once it answers', async () => {
    const reserved = createServer();
    const port = await new Promise<number>((resolve) =>
      reserved.listen(0, '127.0.0.1', () => resolve((reserved.address() as { port: number }).port)),
    );
    await new Promise((resolve) => reserved.close(resolve));
    const late = await fixture.startGateway({}, { kafkaBrokers: [`127.0.0.1:${port}`] });
    const base = late.url.replace('/graphql', '');

    expect((await graphql(late.url, '{ __typename }')).data).toEqual({ __typename: 'Query' });
    const notReady = await fetch(`${base}/health/ready`);
    expect(notReady.status).toBe(503);
    expect(((await notReady.json()) as { checks: Record<string, boolean> }).checks.kafka).toBe(false);

    const [host, brokerPort] = fixture.order.config.kafkaBrokers[0].split(':');
    const connections = new Set<TcpSocket>();
    const proxy: Server = createServer((client) => {
      const upstream = tcpConnect(Number(brokerPort), host);
      for (const socket of [client, upstream]) {
        connections.add(socket);
        socket.on('error', () => undefined);
        socket.on('close', () => connections.delete(socket));
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => proxy.listen(port, '127.0.0.1', resolve));
    try {
      await eventually(async () => (await fetch(`${base}/health/ready`)).status === 200, {
        timeoutMs: 60_000,
        message: 'readiness once Kafka answers',
      });
      const order = await fixture.createOrder(alice);
      const received = subscribe<VersionEvent>(open(late, fixture.tokenFor(alice)), VERSIONS, {
        id: order.id,
      });
      await registered(late, 1);
      await fixture.publish({ orderId: order.id, userId: alice, version: 2 });
      await eventually(() => received.results.length === 1, { timeoutMs: 5_000, message: 'the event' });
    } finally {
      await Promise.all(sockets.splice(0).map((socket) => socket.client.dispose()));
      await late.stop();
      for (const socket of connections) socket.destroy();
      await new Promise((resolve) => proxy.close(resolve));
    }
  }, 90_000);

  it('validates subscriptions against the hot-reloaded supergraph', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gateway-subscriptions-'));
    const supergraphPath = join(dir, 'supergraph.graphql');
    writeFileSync(supergraphPath, fixture.supergraphWithoutSubscriptions);
    const reloading = await fixture.startGateway({}, { supergraphPath });
    try {
      const token = fixture.tokenFor(alice);
      const before = subscribe(open(reloading, token), 'subscription { myOrderUpdates { version } }');
      await within(before.ended, REACTION_MS, 'the subscription to end');
      expect(errorCodesOf(before)).toEqual(['GRAPHQL_VALIDATION_FAILED']);

      writeFileSync(supergraphPath, fixture.supergraphSdl);
      await eventually(
        async () => {
          const probe = await graphql<{ __schema: { subscriptionType: { name: string } | null } }>(
            reloading.url,
            '{ __schema { subscriptionType { name } } }',
          );
          return probe.data?.__schema.subscriptionType !== null;
        },
        { timeoutMs: 5_000, message: 'the new supergraph' },
      );
      const after = subscribe(open(reloading, token), 'subscription { myOrderUpdates { version } }');
      await registered(reloading, 1);
      expect(after.error).toBeUndefined();
    } finally {
      await Promise.all(sockets.splice(0).map((socket) => socket.client.dispose()));
      await reloading.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
