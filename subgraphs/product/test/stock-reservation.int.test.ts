import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Consumer, type KafkaMessage, type Producer } from 'kafkajs';
import {
  createEvent,
  createKafka,
  createLogger,
  ensureTopics,
  namespaced,
  newId,
  TOPICS,
  topicSettingsOf,
  type EventCatalogue,
  type EventType,
  type IntegrationEvent,
  type OrderLine,
} from '@marketplace/platform';
import { eventually, graphql, startTestSubgraph, type TestSubgraph } from '@marketplace/platform/testing';
import type { ProductServices } from '../src/context';
import { Category } from '../src/entities/category.entity';
import { Product } from '../src/entities/product.entity';
import { productSubgraph } from '../src/server';

const PRODUCT_STOCK = /* GraphQL */ `
  query ProductStock($id: ID!) {
    product(id: $id) {
      stock {
        onHand
        reserved
        available
      }
    }
  }
`;

interface OutboxRow {
  type: string;
  payload: IntegrationEvent;
}
interface StockRow {
  onHand: number;
  reserved: number;
}
interface ReservationRow {
  status: string;
  version: number;
  lines: OrderLine[];
}

let service: TestSubgraph<ProductServices>;
let category: Category;

beforeAll(async () => {
  service = await startTestSubgraph(productSubgraph, undefined, {}, { seedDemoData: false });
  category = new Category('stock-test', 'Stock test');
  await service.orm.em.fork().persist(category).flush();
});
afterAll(() => service.destroy());

/** A new product with `onHand` units, none reserved. */
async function productWithStock(onHand: number): Promise<string> {
  const em = service.orm.em.fork();
  const product = new Product(
    `STOCK-${newId().slice(0, 8).toUpperCase()}`,
    'Peony',
    '',
    { amount: 500, currency: 'RUB' },
    em.getReference(Category, category.id),
    onHand,
  );
  await em.persist(product).flush();
  return product.id;
}

const orderEvent = <TType extends EventType>(
  type: TType,
  orderId: string,
  version: number,
  payload: EventCatalogue[TType],
): IntegrationEvent => createEvent({ type, orderId, version, source: 'order', payload });

const placed = (orderId: string, lines: OrderLine[]) =>
  orderEvent('OrderPlaced', orderId, 1, {
    userId: newId(),
    items: lines.map((line) => ({ ...line, unitPrice: 500 })),
    total: { amount: 500 * lines.reduce((sum, line) => sum + line.quantity, 0), currency: 'RUB' },
    shippingAddress: '12 Rose St, Kazan',
  });
const cancelled = (orderId: string) =>
  orderEvent('OrderCancelled', orderId, 4, {
    userId: newId(),
    reason: 'CUSTOMER_REQUEST',
    previousStatus: 'AWAITING_PAYMENT',
  });
const shipped = (orderId: string) => orderEvent('OrderShipped', orderId, 5, { userId: newId() });

/** Applies an order event exactly as the Kafka consumer would (once per event id). */
const apply = (event: IntegrationEvent) => service.services.events!.consumer!.apply(event);

const sql = <T>(query: string, params: unknown[] = []) =>
  service.orm.em.getConnection().execute<T[]>(query, params);

/** The stock events emitted for an order, oldest first. */
const emitted = (orderId: string) =>
  sql<OutboxRow>('select type, payload from outbox where message_key = ? order by position', [orderId]);

async function stockOf(productId: string): Promise<StockRow> {
  const [row] = await sql<StockRow>(
    'select stock_on_hand as "onHand", stock_reserved as "reserved" from products where id = ?',
    [productId],
  );
  return row;
}

async function reservationOf(orderId: string): Promise<ReservationRow | undefined> {
  const [row] = await sql<ReservationRow>(
    'select status, version, lines from stock_reservations where order_id = ?',
    [orderId],
  );
  return row;
}

describe('product subgraph: stock reservation on OrderPlaced', () => {
  it('never oversells: 30 concurrent single-unit orders for 5 in stock reserve exactly 5', async () => {
    const productId = await productWithStock(5);
    const orderIds = Array.from({ length: 30 }, () => newId());

    const applied = await Promise.all(
      orderIds.map((orderId) => apply(placed(orderId, [{ productId, quantity: 1 }]))),
    );

    // Every event applied without error: no update ever ran into the stock check constraints.
    expect(applied).toEqual(orderIds.map(() => true));
    const events = (await Promise.all(orderIds.map(emitted))).map((rows) => {
      expect(rows).toHaveLength(1);
      return rows[0];
    });
    const reserved = events.filter((event) => event.type === 'StockReserved');
    const failed = events.filter((event) => event.type === 'StockReservationFailed');
    expect(reserved).toHaveLength(5);
    expect(failed).toHaveLength(25);
    for (const event of reserved) {
      expect(event.payload).toMatchObject({
        version: 1,
        source: 'product',
        payload: { items: [{ productId, quantity: 1 }] },
      });
    }
    for (const event of failed) {
      expect(event.payload.payload).toEqual({
        reason: 'OUT_OF_STOCK',
        unavailable: [{ productId, requested: 1, available: 0 }],
      });
    }
    expect(await stockOf(productId)).toEqual({ onHand: 5, reserved: 5 });
    const statuses = await sql<{ status: string; count: string }>(
      'select status, count(*) from stock_reservations where order_id = any(?::uuid[]) group by status order by status',
      [`{${orderIds.join(',')}}`],
    );
    expect(statuses).toEqual([
      { status: 'REJECTED', count: '25' },
      { status: 'RESERVED', count: '5' },
    ]);
    const read = await graphql<{ product: { stock: unknown } }>(service.url, PRODUCT_STOCK, {
      id: productId,
    });
    expect(read.errors).toBeUndefined();
    expect(read.data?.product.stock).toEqual({ onHand: 5, reserved: 5, available: 0 });
  });

  it('locks products in one order: concurrent two-product orders listing them in opposite orders all apply', async () => {
    const first = await productWithStock(10);
    const second = await productWithStock(10);
    const orders = Array.from({ length: 16 }, (_, index) => ({
      orderId: newId(),
      lines:
        index % 2
          ? [
              { productId: first, quantity: 1 },
              { productId: second, quantity: 1 },
            ]
          : [
              { productId: second, quantity: 1 },
              { productId: first, quantity: 1 },
            ],
    }));

    const applied = await Promise.all(orders.map(({ orderId, lines }) => apply(placed(orderId, lines))));

    // A deadlock would abort one of the transactions and reject its `apply`.
    expect(applied).toEqual(orders.map(() => true));
    const types = (await Promise.all(orders.map(({ orderId }) => emitted(orderId)))).map(
      (rows) => rows[0].type,
    );
    expect(types.filter((type) => type === 'StockReserved')).toHaveLength(10);
    expect(await stockOf(first)).toEqual({ onHand: 10, reserved: 10 });
    expect(await stockOf(second)).toEqual({ onHand: 10, reserved: 10 });
  });

  it('reserves every line of a multi-line order that fits, each from its own product', async () => {
    const roses = await productWithStock(4);
    const tulips = await productWithStock(2);
    const orderId = newId();
    const lines = [
      { productId: roses, quantity: 3 },
      { productId: tulips, quantity: 2 },
    ];

    expect(await apply(placed(orderId, lines))).toBe(true);

    expect(await stockOf(roses)).toEqual({ onHand: 4, reserved: 3 });
    expect(await stockOf(tulips)).toEqual({ onHand: 2, reserved: 2 });
    expect(await reservationOf(orderId)).toEqual({ status: 'RESERVED', version: 1, lines });
    const [event] = await emitted(orderId);
    expect(event).toMatchObject({ type: 'StockReserved', payload: { orderId, payload: { items: lines } } });
  });

  it('reserves nothing for any line when one line of the order is short', async () => {
    const plenty = await productWithStock(10);
    const scarce = await productWithStock(1);
    const orderId = newId();

    await apply(
      placed(orderId, [
        { productId: plenty, quantity: 2 },
        { productId: scarce, quantity: 2 },
      ]),
    );

    expect(await stockOf(plenty)).toEqual({ onHand: 10, reserved: 0 });
    expect(await stockOf(scarce)).toEqual({ onHand: 1, reserved: 0 });
    expect((await reservationOf(orderId))?.status).toBe('REJECTED');
    expect(await emitted(orderId)).toEqual([
      expect.objectContaining({
        type: 'StockReservationFailed',
        payload: expect.objectContaining({
          version: 1,
          payload: {
            reason: 'OUT_OF_STOCK',
            unavailable: [{ productId: scarce, requested: 2, available: 1 }],
          },
        }),
      }),
    ]);
  });

  it('fails an order naming a product that does not exist as UNKNOWN_PRODUCT, reserving nothing', async () => {
    const known = await productWithStock(3);
    const ghost = newId();
    const orderId = newId();

    await apply(
      placed(orderId, [
        { productId: known, quantity: 1 },
        { productId: ghost, quantity: 1 },
      ]),
    );

    expect(await stockOf(known)).toEqual({ onHand: 3, reserved: 0 });
    const [event] = await emitted(orderId);
    expect(event.payload.payload).toEqual({
      reason: 'UNKNOWN_PRODUCT',
      unavailable: [{ productId: ghost, requested: 1, available: 0 }],
    });
  });

  it('reserves once when the same event is applied twice, or the order is placed again', async () => {
    const productId = await productWithStock(5);
    const orderId = newId();
    const event = placed(orderId, [{ productId, quantity: 2 }]);

    expect(await apply(event)).toBe(true);
    expect(await apply(event)).toBe(false);
    // A re-emitted OrderPlaced (new event id) finds the reservation already decided.
    expect(await apply(placed(orderId, [{ productId, quantity: 2 }]))).toBe(true);

    expect(await stockOf(productId)).toEqual({ onHand: 5, reserved: 2 });
    expect((await emitted(orderId)).map((row) => row.type)).toEqual(['StockReserved']);
  });

  it('dead-letters an OrderPlaced without lines instead of guessing: nothing commits', async () => {
    const orderId = newId();
    const event = orderEvent('OrderPlaced', orderId, 1, {
      userId: newId(),
      items: [],
      total: { amount: 0, currency: 'RUB' },
      shippingAddress: 'nowhere',
    });

    await expect(apply(event)).rejects.toThrow('OrderPlaced has no lines');

    expect(await reservationOf(orderId)).toBeUndefined();
    const processed = await sql('select 1 from processed_events where event_id = ?', [event.eventId]);
    expect(processed).toHaveLength(0);
  });
});

describe('product subgraph: releasing and selling reserved stock', () => {
  async function reservedOrder(
    onHand: number,
    quantity: number,
  ): Promise<{ orderId: string; productId: string }> {
    const productId = await productWithStock(onHand);
    const orderId = newId();
    await apply(placed(orderId, [{ productId, quantity }]));
    expect(await stockOf(productId)).toEqual({ onHand, reserved: quantity });
    return { orderId, productId };
  }

  it('releases the reserved units of a cancelled order, once even when cancelled twice', async () => {
    const { orderId, productId } = await reservedOrder(5, 3);
    const cancellation = cancelled(orderId);

    expect(await apply(cancellation)).toBe(true);
    expect(await apply(cancellation)).toBe(false);
    expect(await apply(cancelled(orderId))).toBe(true);

    expect(await stockOf(productId)).toEqual({ onHand: 5, reserved: 0 });
    expect(await reservationOf(orderId)).toMatchObject({ status: 'RELEASED', version: 2 });
    const events = await emitted(orderId);
    expect(events.map((row) => row.type)).toEqual(['StockReserved', 'StockReleased']);
    expect(events[1].payload).toMatchObject({ version: 2, payload: { items: [{ productId, quantity: 3 }] } });
    const read = await graphql<{ product: { stock: unknown } }>(service.url, PRODUCT_STOCK, {
      id: productId,
    });
    expect(read.errors).toBeUndefined();
    expect(read.data?.product.stock).toEqual({ onHand: 5, reserved: 0, available: 5 });
  });

  it('sells the reserved units of a shipped order: on hand drops, reserved goes back', async () => {
    const { orderId, productId } = await reservedOrder(5, 2);

    expect(await apply(shipped(orderId))).toBe(true);

    expect(await stockOf(productId)).toEqual({ onHand: 3, reserved: 0 });
    expect(await reservationOf(orderId)).toMatchObject({ status: 'SOLD', version: 2 });
    const events = await emitted(orderId);
    expect(events.map((row) => row.type)).toEqual(['StockReserved', 'StockSold']);
    expect(events[1].payload).toMatchObject({ version: 2, payload: { items: [{ productId, quantity: 2 }] } });
  });

  it('changes nothing when a sold order is cancelled afterwards', async () => {
    const { orderId, productId } = await reservedOrder(5, 2);
    await apply(shipped(orderId));

    expect(await apply(cancelled(orderId))).toBe(true);

    expect(await stockOf(productId)).toEqual({ onHand: 3, reserved: 0 });
    expect((await reservationOf(orderId))?.status).toBe('SOLD');
    expect((await emitted(orderId)).map((row) => row.type)).toEqual(['StockReserved', 'StockSold']);
  });

  it('releases nothing for a rejected order and sells nothing for an order it never reserved', async () => {
    const productId = await productWithStock(1);
    const rejected = newId();
    await apply(placed(rejected, [{ productId, quantity: 2 }]));
    const unknown = newId();

    expect(await apply(cancelled(rejected))).toBe(true);
    expect(await apply(shipped(unknown))).toBe(true);

    expect(await stockOf(productId)).toEqual({ onHand: 1, reserved: 0 });
    expect((await reservationOf(rejected))?.status).toBe('REJECTED');
    expect((await emitted(rejected)).map((row) => row.type)).toEqual(['StockReservationFailed']);
    expect(await reservationOf(unknown)).toBeUndefined();
    expect(await emitted(unknown)).toEqual([]);
  });

  it('tombstones an order cancelled before it was reserved, so a late OrderPlaced reserves nothing', async () => {
    const productId = await productWithStock(5);
    const orderId = newId();

    expect(await apply(cancelled(orderId))).toBe(true);
    expect(await reservationOf(orderId)).toEqual({ status: 'RELEASED', version: 1, lines: [] });

    expect(await apply(placed(orderId, [{ productId, quantity: 1 }]))).toBe(true);

    expect(await stockOf(productId)).toEqual({ onHand: 5, reserved: 0 });
    expect(await reservationOf(orderId)).toEqual({ status: 'RELEASED', version: 1, lines: [] });
    expect(await emitted(orderId)).toEqual([]);
  });
});

describe('product subgraph: a stock change and its event commit together or not at all', () => {
  beforeAll(async () => {
    await sql('create table test_failing_writes (table_name text not null, key text not null)');
    await sql(`
      create function test_fail_write() returns trigger language plpgsql as $$
      begin
        if exists (select 1 from test_failing_writes
                   where table_name = tg_table_name and key = to_jsonb(new) ->> tg_argv[0]) then
          raise exception 'test: % write for % fails', tg_table_name, to_jsonb(new) ->> tg_argv[0];
        end if;
        return new;
      end $$`);
    await sql(
      "create trigger test_fail_outbox before insert on outbox for each row execute function test_fail_write('message_key')",
    );
    await sql(
      "create trigger test_fail_reservation before insert on stock_reservations for each row execute function test_fail_write('order_id')",
    );
  });
  afterAll(async () => {
    await sql('drop trigger test_fail_outbox on outbox');
    await sql('drop trigger test_fail_reservation on stock_reservations');
    await sql('drop function test_fail_write()');
    await sql('drop table test_failing_writes');
  });

  /**
   * Makes inserts for `key` into `table` fail inside the database (a trigger raises), as a crash
   * or a constraint would at that point of the transaction; `heal` lets them through again.
   */
  const failWrites = (table: 'outbox' | 'stock_reservations', key: string) =>
    sql('insert into test_failing_writes (table_name, key) values (?, ?)', [table, key]);
  const heal = (key: string) => sql('delete from test_failing_writes where key = ?', [key]);
  const processed = (event: IntegrationEvent) =>
    sql('select 1 from processed_events where event_id = ?', [event.eventId]);

  it('leaves no stock change and no reservation when its StockReserved cannot be written; a retry reserves once', async () => {
    const productId = await productWithStock(5);
    const orderId = newId();
    const event = placed(orderId, [{ productId, quantity: 2 }]);
    await failWrites('outbox', orderId);

    await expect(apply(event)).rejects.toThrow(/outbox write/);

    expect(await stockOf(productId)).toEqual({ onHand: 5, reserved: 0 });
    expect(await reservationOf(orderId)).toBeUndefined();
    expect(await emitted(orderId)).toEqual([]);
    expect(await processed(event)).toHaveLength(0);

    // The consumer retries the same event once the write can succeed: exactly one event, one change.
    await heal(orderId);
    expect(await apply(event)).toBe(true);
    expect(await stockOf(productId)).toEqual({ onHand: 5, reserved: 2 });
    expect((await reservationOf(orderId))?.status).toBe('RESERVED');
    expect((await emitted(orderId)).map((row) => row.type)).toEqual(['StockReserved']);
  });

  it('writes no StockReserved and moves no stock when the reservation itself cannot be written', async () => {
    const productId = await productWithStock(5);
    const orderId = newId();
    const event = placed(orderId, [{ productId, quantity: 1 }]);
    await failWrites('stock_reservations', orderId);

    await expect(apply(event)).rejects.toThrow(/stock_reservations write/);

    expect(await emitted(orderId)).toEqual([]);
    expect(await stockOf(productId)).toEqual({ onHand: 5, reserved: 0 });
    expect(await processed(event)).toHaveLength(0);
    await heal(orderId);
  });

  it('writes no StockReservationFailed when the rejection cannot be recorded', async () => {
    const productId = await productWithStock(1);
    const orderId = newId();
    await failWrites('stock_reservations', orderId);

    await expect(apply(placed(orderId, [{ productId, quantity: 3 }]))).rejects.toThrow(
      /stock_reservations write/,
    );

    expect(await emitted(orderId)).toEqual([]);
    expect(await reservationOf(orderId)).toBeUndefined();
    await heal(orderId);
  });

  it('keeps the units reserved when its StockReleased cannot be written; a retry releases once', async () => {
    const productId = await productWithStock(5);
    const orderId = newId();
    expect(await apply(placed(orderId, [{ productId, quantity: 3 }]))).toBe(true);
    const cancellation = cancelled(orderId);
    await failWrites('outbox', orderId);

    await expect(apply(cancellation)).rejects.toThrow(/outbox write/);

    expect(await stockOf(productId)).toEqual({ onHand: 5, reserved: 3 });
    expect(await reservationOf(orderId)).toMatchObject({ status: 'RESERVED', version: 1 });
    expect((await emitted(orderId)).map((row) => row.type)).toEqual(['StockReserved']);
    expect(await processed(cancellation)).toHaveLength(0);

    await heal(orderId);
    expect(await apply(cancellation)).toBe(true);
    expect(await stockOf(productId)).toEqual({ onHand: 5, reserved: 0 });
    expect(await reservationOf(orderId)).toMatchObject({ status: 'RELEASED', version: 2 });
    expect((await emitted(orderId)).map((row) => row.type)).toEqual(['StockReserved', 'StockReleased']);
  });

  it('keeps the units on hand and reserved when its StockSold cannot be written', async () => {
    const productId = await productWithStock(5);
    const orderId = newId();
    expect(await apply(placed(orderId, [{ productId, quantity: 2 }]))).toBe(true);
    await failWrites('outbox', orderId);

    await expect(apply(shipped(orderId))).rejects.toThrow(/outbox write/);

    expect(await stockOf(productId)).toEqual({ onHand: 5, reserved: 2 });
    expect(await reservationOf(orderId)).toMatchObject({ status: 'RESERVED', version: 1 });
    expect((await emitted(orderId)).map((row) => row.type)).toEqual(['StockReserved']);
    await heal(orderId);
  });
});

describe('product subgraph: stock events through Kafka', () => {
  let producer: Producer;
  let collector: Consumer;
  const published: KafkaMessage[] = [];

  beforeAll(async () => {
    const rawKafka = new Kafka({
      clientId: 'stock-test',
      brokers: service.config.kafkaBrokers,
      logLevel: logLevel.NOTHING,
    });
    const productTopic = namespaced(service.config, TOPICS.product);
    // The relay creates the topic on its first publish; the collector must not race it.
    await ensureTopics(
      createKafka(service.config, createLogger('stock-test', 'silent')),
      [productTopic],
      topicSettingsOf(service.config),
    );
    collector = rawKafka.consumer({ groupId: `${service.config.kafkaNamespace}collector-${randomUUID()}` });
    await collector.connect();
    await collector.subscribe({ topic: productTopic, fromBeginning: true });
    await collector.run({ eachMessage: async ({ message }) => void published.push(message) });
    producer = rawKafka.producer();
    await producer.connect();
  });
  afterAll(async () => {
    await producer.disconnect();
    await collector.disconnect();
  });

  it('reserves stock for an OrderPlaced published to the order topic and publishes StockReserved', async () => {
    const productId = await productWithStock(3);
    const orderId = newId();
    const event = placed(orderId, [{ productId, quantity: 2 }]);

    await producer.send({
      topic: namespaced(service.config, TOPICS.order),
      messages: [{ key: orderId, value: JSON.stringify(event) }],
    });

    const message = await eventually(
      () => published.find((candidate) => candidate.key?.toString() === orderId),
      { timeoutMs: 30_000, message: 'StockReserved on the product topic' },
    );
    expect(JSON.parse(message.value!.toString())).toMatchObject({
      type: 'StockReserved',
      orderId,
      version: 1,
      source: 'product',
      payload: { items: [{ productId, quantity: 2 }] },
    });
    expect(await stockOf(productId)).toEqual({ onHand: 3, reserved: 2 });
  });
});
