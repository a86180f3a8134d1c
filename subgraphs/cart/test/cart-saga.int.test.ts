import type { Producer } from 'kafkajs';
import {
  createEvent,
  createKafka,
  createLogger,
  namespaced,
  newId,
  TOPICS,
  type IntegrationEvent,
} from '@marketplace/platform';
import { eventually, startTestSubgraph, type TestSubgraph } from '@marketplace/platform/testing';
import type { CartServices } from '../src/context';
import { Cart } from '../src/entities/cart.entity';
import { CartItem } from '../src/entities/cart-item.entity';
import { cartSubgraph } from '../src/server';

let service: TestSubgraph<CartServices>;
let producer: Producer;
const rose = newId();
const tulip = newId();
const card = newId();

beforeAll(async () => {
  service = await startTestSubgraph(cartSubgraph);
  producer = createKafka(service.config, createLogger('cart-saga-test', 'silent')).producer();
  await producer.connect();
});
afterAll(async () => {
  await producer.disconnect();
  await service.destroy();
});

/** A user whose cart holds `lines` (product id → quantity), written straight to the database. */
async function userWithCart(lines: Record<string, number>): Promise<string> {
  const userId = newId();
  const em = service.orm.em.fork();
  const cart = new Cart(userId);
  em.persist(cart);
  for (const [productId, quantity] of Object.entries(lines))
    em.persist(new CartItem(cart, productId, quantity));
  await em.flush();
  return userId;
}

async function cartLines(userId: string): Promise<Record<string, number>> {
  const rows = await service.orm.em
    .getConnection()
    .execute<{ product_id: string; quantity: number }[]>(
      'select i.product_id, i.quantity from cart_items i join carts c on c.id = i.cart_id where c.user_id = ?',
      [userId],
    );
  return Object.fromEntries(rows.map((row) => [row.product_id, row.quantity]));
}

const placed = (userId: string, lines: Record<string, number>): IntegrationEvent =>
  createEvent({
    type: 'OrderPlaced',
    orderId: newId(),
    version: 1,
    source: 'order',
    payload: {
      userId,
      items: Object.entries(lines).map(([productId, quantity]) => ({ productId, quantity, unitPrice: 100 })),
      total: { amount: 100, currency: 'RUB' },
      shippingAddress: '12 Rose St, Kazan',
    },
  });

/** Applies an order event exactly as the Kafka consumer would (once per event id). */
const apply = (event: IntegrationEvent) => service.services.events!.consumer!.apply(event);

describe('cart subgraph: clearing the cart on OrderPlaced', () => {
  it("removes exactly the ordered products' lines, keeping one added since for another product", async () => {
    const buyer = await userWithCart({ [rose]: 2, [tulip]: 1, [card]: 1 });
    const neighbour = await userWithCart({ [rose]: 5, [tulip]: 1 });

    expect(await apply(placed(buyer, { [rose]: 2, [tulip]: 1 }))).toBe(true);

    expect(await cartLines(buyer)).toEqual({ [card]: 1 });
    expect(await cartLines(neighbour)).toEqual({ [rose]: 5, [tulip]: 1 });
  });

  it('takes a line out even when its quantity changed after checkout began', async () => {
    const buyer = await userWithCart({ [rose]: 7 });

    await apply(placed(buyer, { [rose]: 2 }));

    expect(await cartLines(buyer)).toEqual({});
  });

  it('applies the same event twice without error, and a second order of the same products removes nothing more', async () => {
    const buyer = await userWithCart({ [rose]: 1, [card]: 3 });
    const event = placed(buyer, { [rose]: 1 });

    expect(await apply(event)).toBe(true);
    expect(await apply(event)).toBe(false);
    expect(await apply(placed(buyer, { [rose]: 1 }))).toBe(true);

    expect(await cartLines(buyer)).toEqual({ [card]: 3 });
  });

  it('does nothing for a buyer without a cart, and creates none', async () => {
    const buyer = newId();

    expect(await apply(placed(buyer, { [rose]: 1 }))).toBe(true);

    const carts = await service.orm.em.fork().count(Cart, { userId: buyer });
    expect(carts).toBe(0);
  });

  it("clears several orders of several users applied concurrently, each from its own buyer's cart", async () => {
    const first = await userWithCart({ [rose]: 1, [tulip]: 1, [card]: 1 });
    const second = await userWithCart({ [rose]: 2, [tulip]: 2, [card]: 2 });

    const applied = await Promise.all([
      apply(placed(first, { [rose]: 1 })),
      apply(placed(first, { [tulip]: 1 })),
      apply(placed(second, { [card]: 2 })),
      apply(placed(second, { [rose]: 2, [tulip]: 2 })),
    ]);

    expect(applied).toEqual([true, true, true, true]);
    expect(await cartLines(first)).toEqual({ [card]: 1 });
    expect(await cartLines(second)).toEqual({});
  });

  it('clears the cart for an OrderPlaced published to the order topic', async () => {
    const buyer = await userWithCart({ [rose]: 1, [card]: 1 });
    const event = placed(buyer, { [rose]: 1 });

    await producer.send({
      topic: namespaced(service.config, TOPICS.order),
      messages: [{ key: event.orderId, value: JSON.stringify(event) }],
    });

    await eventually(async () => (await cartLines(buyer))[rose] === undefined, {
      timeoutMs: 30_000,
      message: 'the ordered line to leave the cart',
    });
    expect(await cartLines(buyer)).toEqual({ [card]: 1 });
  });
});

describe('cart subgraph: the cart change and its processed-event record commit together', () => {
  const sql = <T>(query: string, params: unknown[] = []) =>
    service.orm.em.getConnection().execute<T[]>(query, params);

  beforeAll(async () => {
    await sql('create table test_failing_carts (user_id uuid primary key)');
    await sql(`
      create function test_fail_cart_update() returns trigger language plpgsql as $$
      begin
        if exists (select 1 from test_failing_carts where user_id = new.user_id) then
          raise exception 'test: cart update for % fails', new.user_id;
        end if;
        return new;
      end $$`);
    await sql(
      'create trigger test_fail_cart_update before update on carts for each row execute function test_fail_cart_update()',
    );
  });
  afterAll(async () => {
    await sql('drop trigger test_fail_cart_update on carts');
    await sql('drop function test_fail_cart_update()');
    await sql('drop table test_failing_carts');
  });

  it('keeps the lines and records nothing when the change cannot commit; a retry removes them once', async () => {
    const buyer = await userWithCart({ [rose]: 2, [card]: 1 });
    const event = placed(buyer, { [rose]: 2 });
    await sql('insert into test_failing_carts (user_id) values (?)', [buyer]);

    await expect(apply(event)).rejects.toThrow(/cart update/);

    expect(await cartLines(buyer)).toEqual({ [rose]: 2, [card]: 1 });
    expect(await sql('select 1 from processed_events where event_id = ?', [event.eventId])).toHaveLength(0);

    await sql('delete from test_failing_carts where user_id = ?', [buyer]);
    expect(await apply(event)).toBe(true);
    expect(await cartLines(buyer)).toEqual({ [card]: 1 });
    expect(await apply(event)).toBe(false);
  });
});
