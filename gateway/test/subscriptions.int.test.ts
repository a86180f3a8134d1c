import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { eventually, graphql } from '@marketplace/platform/testing';
import type { RunningGateway } from '../src/server';
import { nextEvent, REACTION_MS, within } from './deadline';
import {
  connect,
  errorCodesOf,
  startSubscriptionFixture,
  subscribe,
  wsUrl,
  type Socket,
  type SubscriptionFixture,
} from './subscriptions.harness';

const STATUS_CHANGED = /* GraphQL */ `
  subscription Track($orderId: ID!) {
    orderStatusChanged(orderId: $orderId) {
      orderId
      status
      previousStatus
      version
    }
  }
`;
const MY_UPDATES = 'subscription { myOrderUpdates { orderId status version } }';

interface StatusEvent {
  orderId: string;
  status: string;
  previousStatus: string | null;
  version: number;
}

let fixture: SubscriptionFixture;
let gateway: RunningGateway;
const sockets: Socket[] = [];
const alice = randomUUID();
const bob = randomUUID();
const admin = randomUUID();

/** A socket that is disposed after the test. */
function open(token?: string, params?: Record<string, unknown>): Socket {
  const socket = connect(gateway, params ?? (token ? { Authorization: `Bearer ${token}` } : undefined));
  sockets.push(socket);
  return socket;
}

/** Resolves once the gateway has registered `count` more live subscriptions than `before`. */
const registered = (before: number, count = 1): Promise<true> =>
  eventually(() => gateway.subscriptions!.fanOut.size === before + count || undefined, {
    timeoutMs: 5_000,
    message: `${count} subscription(s) to be registered`,
  });

beforeAll(async () => {
  fixture = await startSubscriptionFixture();
  gateway = await fixture.startGateway({
    connectionInitWaitTimeoutMs: 500,
    maxSubscriptionsPerConnection: 3,
  });
  await eventually(() => gateway.subscriptions!.source.consuming, {
    timeoutMs: 20_000,
    message: 'the consumer to join',
  });
});

afterEach(async () => {
  await Promise.all(sockets.splice(0).map((socket) => socket.client.dispose()));
});

afterAll(async () => {
  await fixture?.stop();
});

describe('subscriptions: authorization', () => {
  it("delivers the owner's order status changes with the event's fields", async () => {
    const order = await fixture.createOrder(alice);
    const before = gateway.subscriptions!.fanOut.size;
    const received = subscribe<{ orderStatusChanged: StatusEvent }>(
      open(fixture.tokenFor(alice)),
      STATUS_CHANGED,
      { orderId: order.id },
    );
    await registered(before);

    await fixture.publish({ orderId: order.id, userId: alice, version: 2, previousStatus: 'PENDING' });

    await eventually(() => received.results.length === 1, { timeoutMs: 5_000, message: 'the event' });
    expect(received.results[0]).toEqual({
      data: {
        orderStatusChanged: {
          orderId: order.id,
          status: 'AWAITING_PAYMENT',
          previousStatus: 'PENDING',
          version: 2,
        },
      },
    });
  });

  it("refuses to follow another user's order with FORBIDDEN", async () => {
    const order = await fixture.createOrder(alice);
    const received = subscribe(open(fixture.tokenFor(bob)), STATUS_CHANGED, { orderId: order.id });
    await within(received.ended, REACTION_MS, 'the subscription to end');
    expect(errorCodesOf(received)).toEqual(['FORBIDDEN']);
  });

  it('answers NOT_FOUND for an unknown order and BAD_USER_INPUT for a malformed id', async () => {
    const socket = open(fixture.tokenFor(alice));
    const unknown = subscribe(socket, STATUS_CHANGED, { orderId: randomUUID() });
    const malformed = subscribe(socket, STATUS_CHANGED, { orderId: 'not-an-id' });
    await within(Promise.all([unknown.ended, malformed.ended]), REACTION_MS, 'the subscriptions to end');
    expect(errorCodesOf(unknown)).toEqual(['NOT_FOUND']);
    expect(errorCodesOf(malformed)).toEqual(['BAD_USER_INPUT']);
  });

  it("lets an administrator follow any customer's order", async () => {
    const order = await fixture.createOrder(alice);
    const before = gateway.subscriptions!.fanOut.size;
    const received = subscribe<{ orderStatusChanged: StatusEvent }>(
      open(fixture.tokenFor(admin, 'ADMIN')),
      STATUS_CHANGED,
      { orderId: order.id },
    );
    await registered(before);
    await fixture.publish({ orderId: order.id, userId: alice, version: 2 });
    await eventually(() => received.results.length === 1, { timeoutMs: 5_000, message: 'the event' });
    expect(received.results[0].data?.orderStatusChanged.orderId).toBe(order.id);
  });

  it("myOrderUpdates carries only the caller's own orders, also for an administrator", async () => {
    const [aliceOrder, bobOrder, adminOrder] = await Promise.all([
      fixture.createOrder(alice),
      fixture.createOrder(bob),
      fixture.createOrder(admin),
    ]);
    const before = gateway.subscriptions!.fanOut.size;
    const forAlice = subscribe<{ myOrderUpdates: StatusEvent }>(open(fixture.tokenFor(alice)), MY_UPDATES);
    const forBob = subscribe<{ myOrderUpdates: StatusEvent }>(open(fixture.tokenFor(bob)), MY_UPDATES);
    const forAdmin = subscribe<{ myOrderUpdates: StatusEvent }>(
      open(fixture.tokenFor(admin, 'ADMIN')),
      MY_UPDATES,
    );
    await registered(before, 3);

    // Bob's event first; once Bob has it, a leak to the others would already be on their sockets.
    await fixture.publish({ orderId: bobOrder.id, userId: bob, version: 2 });
    await eventually(() => forBob.results.length === 1, { timeoutMs: 5_000, message: "Bob's event" });
    await fixture.publish({ orderId: aliceOrder.id, userId: alice, version: 2 });
    await fixture.publish({ orderId: adminOrder.id, userId: admin, version: 2 });
    await eventually(() => forAlice.results.length > 0 && forAdmin.results.length > 0, {
      timeoutMs: 5_000,
      message: 'their own events',
    });

    const orderIds = (received: typeof forAlice) =>
      received.results.map((r) => r.data?.myOrderUpdates.orderId);
    expect(orderIds(forAlice)).toEqual([aliceOrder.id]);
    expect(orderIds(forBob)).toEqual([bobOrder.id]);
    expect(orderIds(forAdmin)).toEqual([adminOrder.id]);
  });

  it('stops delivering when the owner no longer owns the event (checked per event)', async () => {
    const order = await fixture.createOrder(alice);
    const before = gateway.subscriptions!.fanOut.size;
    const received = subscribe<{ orderStatusChanged: StatusEvent }>(
      open(fixture.tokenFor(alice)),
      STATUS_CHANGED,
      { orderId: order.id },
    );
    await registered(before);
    // An event claiming another owner for the followed order must not reach Alice.
    await fixture.publish({ orderId: order.id, userId: bob, version: 2 });
    await fixture.publish({ orderId: order.id, userId: alice, version: 3 });
    await eventually(() => received.results.length > 0, { timeoutMs: 5_000, message: 'the owned event' });
    expect(received.results.map((result) => result.data?.orderStatusChanged.version)).toEqual([3]);
  });

  it('lets anonymous sockets connect, but every subscription needs a viewer', async () => {
    const socket = open();
    const received = subscribe(socket, MY_UPDATES);
    await within(received.ended, REACTION_MS, 'the subscription to end');
    expect(errorCodesOf(received)).toEqual(['UNAUTHENTICATED']);
    expect(socket.closeCodes).toEqual([]);
  });

  it.each([
    ['Authorization', (token: string) => ({ Authorization: `Bearer ${token}` })],
    ['authorization', (token: string) => ({ authorization: `Bearer ${token}` })],
    ['token', (token: string) => ({ token })],
  ])('accepts the token as connectionParams.%s', async (_name, params) => {
    const socket = open(undefined, params(fixture.tokenFor(alice)));
    const received = subscribe<{ orderStatusChanged: StatusEvent }>(socket, STATUS_CHANGED, {
      orderId: (await fixture.createOrder(bob)).id,
    });
    await within(received.ended, REACTION_MS, 'the subscription to end');
    expect(errorCodesOf(received)).toEqual(['FORBIDDEN']); // authenticated as Alice, not anonymous
  });

  it('closes the socket with 4403 when connection_init carries a bad token', async () => {
    const socket = open('not-a-token');
    expect(await within(socket.closed, REACTION_MS, 'the socket to close')).toBe(4403);
  });

  it('closes the socket with 4401 when the token expires, ending its subscriptions', async () => {
    const order = await fixture.createOrder(alice);
    const socket = open(fixture.tokenFor(alice, 'CUSTOMER', '2s'));
    const received = subscribe(socket, STATUS_CHANGED, { orderId: order.id });
    expect(await within(socket.closed, REACTION_MS, 'the socket to close')).toBe(4401);
    await within(received.ended, REACTION_MS, 'the subscription to end');
    expect((received.error as { code?: number }).code).toBe(4401);
  });

  it("executes queries sent over the socket through the gateway as the socket's viewer", async () => {
    const order = await fixture.createOrder(alice);
    const query = 'query ($id: ID!) { order(id: $id) { id status } }';
    const own = subscribe<{ order: { id: string } }>(open(fixture.tokenFor(alice)), query, { id: order.id });
    const other = subscribe(open(fixture.tokenFor(bob)), query, { id: order.id });
    await within(Promise.all([own.ended, other.ended]), REACTION_MS, 'the subscriptions to end');
    expect(own.results).toEqual([{ data: { order: { id: order.id, status: 'PENDING' } } }]);
    expect(other.results[0].errors?.map((error) => error.extensions?.code)).toEqual(['FORBIDDEN']);
  });
});

describe('subscriptions: bad input', () => {
  it('reports unknown fields and invalid arguments as GRAPHQL_VALIDATION_FAILED', async () => {
    const socket = open(fixture.tokenFor(alice));
    const unknownField = subscribe(socket, 'subscription { myOrderUpdates { orderId password } }');
    const missingArgument = subscribe(socket, 'subscription { orderStatusChanged { orderId } }');
    const twoRootFields = subscribe(
      socket,
      'subscription { myOrderUpdates { orderId } orderStatusChanged(orderId: "x") { orderId } }',
    );
    await within(
      Promise.all([unknownField.ended, missingArgument.ended, twoRootFields.ended]),
      REACTION_MS,
      'the subscriptions to end',
    );
    expect(errorCodesOf(unknownField)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    expect(errorCodesOf(missingArgument)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    expect(errorCodesOf(twoRootFields)).toContain('GRAPHQL_VALIDATION_FAILED');
  });

  it('reports syntax errors and ill-typed variables', async () => {
    const socket = open(fixture.tokenFor(alice));
    const syntax = subscribe(socket, 'subscription { myOrderUpdates { ');
    const variable = subscribe(socket, STATUS_CHANGED, { orderId: { not: 'an id' } });
    await within(Promise.all([syntax.ended, variable.ended]), REACTION_MS, 'the subscriptions to end');
    expect(errorCodesOf(syntax)).toEqual(['GRAPHQL_PARSE_FAILED']);
    expect(errorCodesOf(variable)).toEqual(['BAD_USER_INPUT']);
  });

  it('refuses subscriptions beyond the per-connection limit, keeping the others', async () => {
    const socket = open(fixture.tokenFor(alice));
    const before = gateway.subscriptions!.fanOut.size;
    const allowed = [1, 2, 3].map(() => subscribe(socket, MY_UPDATES));
    await registered(before, 3);
    const refused = subscribe(socket, MY_UPDATES);
    await within(refused.ended, REACTION_MS, 'the subscription to end');
    expect(errorCodesOf(refused)).toEqual(['BAD_REQUEST']);
    expect(allowed.every((received) => received.error === undefined && !received.completed)).toBe(true);
    expect(gateway.subscriptions!.fanOut.size).toBe(before + 3);
  });

  it('closes a socket that never sends connection_init with 4408, and a garbage one with 4400, serving the rest', async () => {
    const order = await fixture.createOrder(alice);
    const before = gateway.subscriptions!.fanOut.size;
    const healthy = subscribe<{ orderStatusChanged: StatusEvent }>(
      open(fixture.tokenFor(alice)),
      STATUS_CHANGED,
      { orderId: order.id },
    );
    await registered(before);

    const rawSocket = (): { socket: WebSocket; closed: Promise<number> } => {
      const socket = new WebSocket(wsUrl(gateway), 'graphql-transport-ws');
      return { socket, closed: new Promise((resolve) => socket.once('close', (code) => resolve(code))) };
    };
    const silent = rawSocket();
    const garbage = rawSocket();
    const badSubscribe = rawSocket();
    await nextEvent(garbage.socket, 'open', REACTION_MS);
    garbage.socket.send('this is not json');
    await nextEvent(badSubscribe.socket, 'open', REACTION_MS);
    badSubscribe.socket.send(JSON.stringify({ type: 'connection_init' }));
    badSubscribe.socket.send(JSON.stringify({ type: 'subscribe', id: '1', payload: { query: 42 } }));

    expect(await within(garbage.closed, REACTION_MS, 'the socket to close')).toBe(4400);
    expect(await within(badSubscribe.closed, REACTION_MS, 'the socket to close')).toBe(4400);
    expect(await within(silent.closed, REACTION_MS, 'the socket to close')).toBe(4408);

    await fixture.publish({ orderId: order.id, userId: alice, version: 2 });
    await eventually(() => healthy.results.length === 1, {
      timeoutMs: 5_000,
      message: 'the healthy socket to get its event',
    });
    const http = await graphql<{ __typename: string }>(gateway.url, '{ __typename }');
    expect(http.data?.__typename).toBe('Query');
  });
});
