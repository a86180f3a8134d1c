import type { Producer } from 'kafkajs';
import {
  createEvent,
  createKafka,
  createLogger,
  createTokenSigner,
  namespaced,
  newId,
  TOPICS,
  type EventCatalogue,
  type EventType,
  type IntegrationEvent,
} from '@marketplace/platform';
import {
  errorCodes,
  eventually,
  graphql,
  whileWritesRefused,
  startTestSubgraph,
  type TestSubgraph,
} from '@marketplace/platform/testing';
import type { DeliveryServices } from '../src/context';
import { deliverySubgraph } from '../src/server';

const DISPATCH = /* GraphQL */ `
  mutation Dispatch($id: ID!) {
    dispatchDelivery(id: $id) {
      status
      shippedAt
    }
  }
`;
const COMPLETE = /* GraphQL */ `
  mutation Complete($id: ID!) {
    completeDelivery(id: $id) {
      status
      deliveredAt
    }
  }
`;

interface OutboxRow {
  type: string;
  payload: IntegrationEvent;
  published_at: Date | null;
}
interface DeliveryRow {
  id: string;
  user_id: string;
  status: string;
  destination: string;
}

let service: TestSubgraph<DeliveryServices>;
let admin: string;
let producer: Producer;

beforeAll(async () => {
  service = await startTestSubgraph(deliverySubgraph);
  admin = createTokenSigner(service.config.jwtSecret, '1h').sign({ id: newId(), role: 'ADMIN' });
  producer = createKafka(service.config, createLogger('delivery-saga-test', 'silent')).producer();
  await producer.connect();
});
afterAll(async () => {
  await producer.disconnect();
  await service.destroy();
});

const orderEvent = <TType extends EventType>(
  type: TType,
  orderId: string,
  version: number,
  payload: EventCatalogue[TType],
): IntegrationEvent => createEvent({ type, orderId, version, source: 'order', payload });
const paid = (orderId: string, userId: string, shippingAddress = '  12 Rose St,\n Kazan ') =>
  orderEvent('OrderPaid', orderId, 3, { userId, shippingAddress, total: { amount: 4_990, currency: 'RUB' } });
const cancelled = (orderId: string, userId: string, previousStatus = 'PAID') =>
  orderEvent('OrderCancelled', orderId, 4, { userId, reason: 'CUSTOMER_REQUEST', previousStatus });

/** Applies an order event exactly as the Kafka consumer would. */
const apply = (event: IntegrationEvent) => service.services.events!.consumer!.apply(event);

const sql = <T>(query: string, params: unknown[] = []) =>
  service.orm.em.getConnection().execute<T[]>(query, params);
const outbox = (orderId: string) =>
  sql<OutboxRow>('select type, payload, published_at from outbox where message_key = ? order by position', [
    orderId,
  ]);
const deliveriesOf = (orderId: string) =>
  sql<DeliveryRow>('select id, user_id, status, destination from deliveries where order_id = ?', [orderId]);
const trackingOf = (deliveryId: string) =>
  sql<{ status: string; note: string | null }>(
    'select status, note from tracking_events where delivery_id = ? order by occurred_at, status',
    [deliveryId],
  );

/** A paid order's delivery, created through the saga. */
async function paidOrder(): Promise<{ orderId: string; userId: string; delivery: DeliveryRow }> {
  const orderId = newId();
  const userId = newId();
  await apply(paid(orderId, userId));
  const [delivery] = await deliveriesOf(orderId);
  return { orderId, userId, delivery };
}

const dispatch = (id: string) =>
  graphql<{ dispatchDelivery: { status: string; shippedAt: string } }>(service.url, DISPATCH, { id }, admin);
const complete = (id: string) =>
  graphql<{ completeDelivery: { status: string; deliveredAt: string } }>(
    service.url,
    COMPLETE,
    { id },
    admin,
  );

describe('delivery saga: deliveries of paid orders', () => {
  it('creates the delivery of a paid order once and announces DeliveryCreated once', async () => {
    const orderId = newId();
    const userId = newId();
    const event = paid(orderId, userId);

    expect(await apply(event)).toBe(true);
    expect(await apply(event)).toBe(false);
    // Another OrderPaid for the same order (a different event id) finds the delivery in place.
    expect(await apply(paid(orderId, userId, 'Somewhere else'))).toBe(true);

    const deliveries = await deliveriesOf(orderId);
    expect(deliveries).toEqual([
      { id: expect.any(String), user_id: userId, status: 'CREATED', destination: '12 Rose St, Kazan' },
    ]);
    const events = await outbox(orderId);
    expect(events.map((row) => row.type)).toEqual(['DeliveryCreated']);
    expect(events[0].payload).toMatchObject({
      type: 'DeliveryCreated',
      orderId,
      version: 1,
      schemaVersion: 1,
      source: 'delivery',
      payload: { deliveryId: deliveries[0].id, userId },
    });
  });

  it('consumes OrderPaid from Kafka and publishes DeliveryCreated', async () => {
    const orderId = newId();
    const event = paid(orderId, newId());
    await producer.send({
      topic: namespaced(service.config, TOPICS.order),
      messages: [{ key: orderId, value: JSON.stringify(event) }],
    });
    const [delivery] = await eventually(
      async () => {
        const rows = await deliveriesOf(orderId);
        return rows.length > 0 && rows;
      },
      { timeoutMs: 20_000, message: 'the delivery' },
    );
    expect(delivery.status).toBe('CREATED');
    await service.services.events!.relay!.drained();
    expect((await outbox(orderId)).map((row) => [row.type, row.published_at !== null])).toEqual([
      ['DeliveryCreated', true],
    ]);
  });
});

describe('delivery saga: cancelled orders', () => {
  it('calls off a CREATED delivery and announces DeliveryCancelled, once', async () => {
    const { orderId, userId, delivery } = await paidOrder();
    const event = cancelled(orderId, userId);

    expect(await apply(event)).toBe(true);
    expect(await apply(event)).toBe(false);

    expect((await deliveriesOf(orderId))[0].status).toBe('CANCELLED');
    expect(await trackingOf(delivery.id)).toEqual([
      { status: 'CREATED', note: null },
      { status: 'CANCELLED', note: 'Order cancelled (CUSTOMER_REQUEST)' },
    ]);
    const events = await outbox(orderId);
    expect(events.map((row) => row.type)).toEqual(['DeliveryCreated', 'DeliveryCancelled']);
    expect(events[1].payload).toMatchObject({ version: 2, payload: { deliveryId: delivery.id, userId } });
  });

  it('leaves a dispatched delivery on its way, without failing the event', async () => {
    const { orderId, userId, delivery } = await paidOrder();
    expect(errorCodes(await dispatch(delivery.id))).toEqual([]);

    // Applied (true) rather than thrown: a dispatch racing a cancellation is not a poison message.
    expect(await apply(cancelled(orderId, userId))).toBe(true);
    expect((await deliveriesOf(orderId))[0].status).toBe('IN_TRANSIT');
    expect((await outbox(orderId)).map((row) => row.type)).toEqual(['DeliveryCreated', 'DeliveryDispatched']);
  });

  it('does nothing for the cancellation of an order that has no delivery', async () => {
    const orderId = newId();
    expect(await apply(cancelled(orderId, newId(), 'AWAITING_PAYMENT'))).toBe(true);
    expect(await deliveriesOf(orderId)).toEqual([]);
    expect(await outbox(orderId)).toEqual([]);
  });
});

describe('delivery saga: dispatch and completion events', () => {
  it('announces the dispatch and the completion with their times', async () => {
    const { orderId, userId, delivery } = await paidOrder();

    const shippedAt = (await dispatch(delivery.id)).data!.dispatchDelivery.shippedAt;
    const deliveredAt = (await complete(delivery.id)).data!.completeDelivery.deliveredAt;

    const events = await outbox(orderId);
    expect(events.map((row) => row.type)).toEqual([
      'DeliveryCreated',
      'DeliveryDispatched',
      'DeliveryCompleted',
    ]);
    expect(events[1].payload).toMatchObject({
      orderId,
      version: 2,
      source: 'delivery',
      payload: { deliveryId: delivery.id, userId, shippedAt },
    });
    expect(events[2].payload).toMatchObject({
      orderId,
      version: 3,
      payload: { deliveryId: delivery.id, userId, deliveredAt },
    });
  });

  it('announces one dispatch when several race, and nothing for a refused change', async () => {
    const { orderId, delivery } = await paidOrder();
    expect(errorCodes(await complete(delivery.id))).toEqual(['BAD_USER_INPUT']);

    const results = await Promise.all(Array.from({ length: 6 }, () => dispatch(delivery.id)));
    const codes = results.map((result) => errorCodes(result)[0] ?? 'OK');
    expect(codes.sort()).toEqual([
      'BAD_USER_INPUT',
      'BAD_USER_INPUT',
      'BAD_USER_INPUT',
      'BAD_USER_INPUT',
      'BAD_USER_INPUT',
      'OK',
    ]);
    expect((await outbox(orderId)).map((row) => row.type)).toEqual(['DeliveryCreated', 'DeliveryDispatched']);
  });

  it('answers NOT_FOUND when dispatching a delivery that does not exist (no delivery before OrderPaid)', async () => {
    expect(errorCodes(await dispatch(newId()))).toEqual(['NOT_FOUND']);
  });
});

const refusing = <T>(table: string, condition: string, action: () => Promise<T>): Promise<T> =>
  whileWritesRefused(service.orm, { table, condition }, action);

describe('delivery saga: an event commits with its change or not at all', () => {
  it('creates no delivery when DeliveryCreated cannot be written, and one with one event when retried', async () => {
    const orderId = newId();
    const event = paid(orderId, newId());
    await expect(refusing('outbox', `new.message_key = '${orderId}'`, () => apply(event))).rejects.toThrow(
      /test refuses this outbox row/,
    );
    expect(await deliveriesOf(orderId)).toEqual([]);
    expect(
      await sql(
        'select 1 from tracking_events t join deliveries d on d.id = t.delivery_id where d.order_id = ?',
        [orderId],
      ),
    ).toEqual([]);

    expect(await apply(event)).toBe(true);
    const [delivery] = await deliveriesOf(orderId);
    expect(await trackingOf(delivery.id)).toEqual([{ status: 'CREATED', note: null }]);
    expect((await outbox(orderId)).map((row) => row.type)).toEqual(['DeliveryCreated']);
  });

  it('leaves a delivery undispatched when DeliveryDispatched cannot be written', async () => {
    const { orderId, delivery } = await paidOrder();
    const refused = await refusing(
      'outbox',
      `new.message_key = '${orderId}' and new.type = 'DeliveryDispatched'`,
      () => dispatch(delivery.id),
    );

    expect(errorCodes(refused)).toEqual(['INTERNAL_SERVER_ERROR']);
    expect((await deliveriesOf(orderId))[0].status).toBe('CREATED');
    expect(await trackingOf(delivery.id)).toEqual([{ status: 'CREATED', note: null }]);

    expect(errorCodes(await dispatch(delivery.id))).toEqual([]);
    expect((await outbox(orderId)).map((row) => row.type)).toEqual(['DeliveryCreated', 'DeliveryDispatched']);
  });

  it('announces nothing when the tracking event of a change cannot be written', async () => {
    const { orderId, delivery } = await paidOrder();
    const refused = await refusing(
      'tracking_events',
      `new.delivery_id = '${delivery.id}' and new.status = 'IN_TRANSIT'`,
      () => dispatch(delivery.id),
    );

    expect(errorCodes(refused)).toEqual(['INTERNAL_SERVER_ERROR']);
    expect((await deliveriesOf(orderId))[0].status).toBe('CREATED');
    expect((await outbox(orderId)).map((row) => row.type)).toEqual(['DeliveryCreated']);
  });
});
