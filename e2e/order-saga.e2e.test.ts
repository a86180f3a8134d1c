import { randomUUID } from 'node:crypto';
import { eventually } from '@marketplace/platform/testing';
import { registerCustomer, startStack, type SignedIn, type Stack } from './harness';
import {
  addToCart,
  balanceOf,
  cancelOrder,
  checkout,
  complete,
  consumerGroupsShared,
  consumersCaughtUp,
  createProduct,
  DEADLINE,
  dispatch,
  hasStatus,
  payOrder,
  placeOrder,
  readOrder,
  signInAdmin,
  stockOf,
  stockReserved,
  topUp,
  waitForOrder,
} from './saga';

let stack: Stack;
let admin: SignedIn;

// Two instances of every consuming service on the same databases and consumer groups: events are
// split between them, so the races below go through the row locks and the inbox, not one process.
const CONSUMERS_PER_SERVICE = 2;

beforeAll(async () => {
  stack = await startStack({}, { consumersPerService: CONSUMERS_PER_SERVICE });
  await consumerGroupsShared(stack, CONSUMERS_PER_SERVICE, DEADLINE.saga);
  admin = await signInAdmin(stack);
}, 90_000);
afterAll(() => stack?.stop(), 30_000);

const codeOf = (result: { errors?: { extensions?: { code?: string } }[] }) =>
  result.errors?.[0]?.extensions?.code;

describe('the order saga through the gateway, over real Kafka', () => {
  it('takes an order from checkout to delivery', async () => {
    const customer = await registerCustomer(stack, 'happy');
    const productId = await createProduct(stack, admin, 120_000, 10);
    await addToCart(stack, customer, productId, 2);
    await topUp(stack, customer, 300_000);

    const orderId = await placeOrder(stack, customer);
    await eventually(
      async () => {
        const cart = await stack.query<{ me: { cart: { itemCount: number } } }>(
          '{ me { cart { itemCount } } }',
          {},
          customer.token,
        );
        if (cart.errors) throw new Error(`cart not readable: ${JSON.stringify(cart.errors)}`);
        return cart.data?.me.cart.itemCount === 0;
      },
      { message: 'the cart to be cleared', timeoutMs: DEADLINE.hop },
    );

    await stockReserved(stack, customer, orderId);
    expect(await stockOf(stack, productId)).toEqual({ onHand: 10, reserved: 2, available: 8 });

    const paid = await payOrder(stack, customer, orderId);
    expect(paid.errors).toBeUndefined();
    expect(paid.data?.payOrder.status).toBe('SUCCEEDED');
    expect(await balanceOf(stack, customer)).toBe(60_000);
    const withDelivery = await waitForOrder(
      stack,
      customer,
      orderId,
      (order) => order.status === 'PAID' && order.delivery?.status === 'CREATED',
      'paid with a delivery',
      DEADLINE.roundTrip,
    );
    expect(withDelivery.delivery?.destination).toBe('7 Garden Ring, Moscow');
    expect(withDelivery.payment).toMatchObject({ status: 'SUCCEEDED', amount: { amount: 240_000 } });

    const dispatched = await dispatch(stack, admin, withDelivery.delivery!.id);
    expect(dispatched.errors).toBeUndefined();
    expect(dispatched.data?.dispatchDelivery.status).toBe('IN_TRANSIT');
    await waitForOrder(stack, customer, orderId, hasStatus('SHIPPED'), 'shipped', DEADLINE.hop);
    await eventually(async () => (await stockOf(stack, productId)).reserved === 0, {
      message: 'stock sold',
      timeoutMs: DEADLINE.hop,
    });
    expect(await stockOf(stack, productId)).toEqual({ onHand: 8, reserved: 0, available: 8 });

    const completed = await complete(stack, admin, withDelivery.delivery!.id);
    expect(completed.errors).toBeUndefined();
    expect(completed.data?.completeDelivery.status).toBe('DELIVERED');
    const delivered = await waitForOrder(
      stack,
      customer,
      orderId,
      hasStatus('DELIVERED'),
      'delivered',
      DEADLINE.hop,
    );
    expect(delivered.statusHistory.map((change) => change.status)).toEqual([
      'PENDING',
      'AWAITING_PAYMENT',
      'PAID',
      'SHIPPED',
      'DELIVERED',
    ]);

    // Illegal now: cancelling after dispatch is refused and changes nothing.
    const late = await cancelOrder(stack, customer, orderId);
    expect(codeOf(late)).toBe('BAD_USER_INPUT');
    expect((await readOrder(stack, customer, orderId)).status).toBe('DELIVERED');
    expect(await balanceOf(stack, customer)).toBe(60_000);
  });

  it('cancels a paid order with a refund, released stock and a cancelled delivery', async () => {
    const customer = await registerCustomer(stack, 'refund');
    const productId = await createProduct(stack, admin, 50_000, 3);
    await addToCart(stack, customer, productId, 3);
    await topUp(stack, customer, 200_000);
    const orderId = await placeOrder(stack, customer);
    await stockReserved(stack, customer, orderId);
    const paid = await payOrder(stack, customer, orderId);
    expect(paid.errors).toBeUndefined();
    expect(paid.data?.payOrder.status).toBe('SUCCEEDED');
    await waitForOrder(
      stack,
      customer,
      orderId,
      (order) => order.delivery?.status === 'CREATED',
      'delivery created',
      DEADLINE.roundTrip,
    );
    expect(await balanceOf(stack, customer)).toBe(50_000);

    const cancelled = await cancelOrder(stack, customer, orderId);
    expect(cancelled.errors).toBeUndefined();
    expect(cancelled.data?.cancelOrder.status).toBe('CANCELLED');
    const settled = await waitForOrder(
      stack,
      customer,
      orderId,
      (order) => order.payment?.status === 'REFUNDED' && order.delivery?.status === 'CANCELLED',
      'refund and delivery cancellation',
      DEADLINE.roundTrip,
    );
    expect(settled.cancellationReason).toBe('CUSTOMER_REQUEST');
    expect(await balanceOf(stack, customer)).toBe(200_000);
    await eventually(async () => (await stockOf(stack, productId)).available === 3, {
      message: 'stock released',
      timeoutMs: DEADLINE.hop,
    });
    expect(await stockOf(stack, productId)).toEqual({ onHand: 3, reserved: 0, available: 3 });

    // Illegal now: paying a cancelled order, dispatching its cancelled delivery.
    expect(codeOf(await payOrder(stack, customer, orderId))).toBe('BAD_USER_INPUT');
    expect(codeOf(await dispatch(stack, admin, settled.delivery!.id))).toBe('BAD_USER_INPUT');
    expect(await balanceOf(stack, customer)).toBe(200_000);
  });

  it('never oversells: 30 concurrent checkouts of a product with 5 in stock', async () => {
    const productId = await createProduct(stack, admin, 10_000, 5);
    const customers = await Promise.all(
      Array.from({ length: 30 }, (_, index) => registerCustomer(stack, `rush${index}`)),
    );
    for (const customer of customers) await addToCart(stack, customer, productId, 1);
    const placed = await Promise.all(customers.map((customer) => checkout(stack, customer)));
    expect(placed.map((result) => result.errors ?? result.data?.checkout.status)).toEqual(
      customers.map(() => 'PENDING'),
    );

    const settled = await Promise.all(
      placed.map((result, index) =>
        waitForOrder(
          stack,
          customers[index],
          result.data!.checkout.id,
          (order) => order.status !== 'PENDING',
          `order ${index} to leave PENDING`,
          DEADLINE.saga,
        ),
      ),
    );
    const statuses = settled.map((order) => `${order.status}/${order.cancellationReason ?? ''}`);
    expect(statuses.filter((status) => status === 'AWAITING_PAYMENT/')).toHaveLength(5);
    expect(statuses.filter((status) => status === 'CANCELLED/OUT_OF_STOCK')).toHaveLength(25);
    expect(await stockOf(stack, productId)).toEqual({ onHand: 5, reserved: 5, available: 0 });
  });

  it('turns a double-submitted checkout into one order and a double-submitted payment into one charge', async () => {
    const customer = await registerCustomer(stack, 'double');
    const productId = await createProduct(stack, admin, 30_000, 10);
    await addToCart(stack, customer, productId, 1);
    await topUp(stack, customer, 100_000);
    const key = randomUUID();
    const submits = await Promise.all(Array.from({ length: 5 }, () => checkout(stack, customer, key)));
    // Every submit succeeds (a duplicate gets the same order back), then they name one order.
    expect(submits.map((result) => result.errors)).toEqual(submits.map(() => undefined));
    const orderIds = new Set(submits.map((result) => result.data?.checkout.id));
    expect(orderIds.size).toBe(1);
    const orderId = [...orderIds][0];
    expect(typeof orderId).toBe('string');
    const mine = await stack.query<{ me: { orders: { totalCount: number } } }>(
      '{ me { orders { totalCount } } }',
      {},
      customer.token,
    );
    expect(mine.errors).toBeUndefined();
    expect(mine.data?.me.orders.totalCount).toBe(1);

    await stockReserved(stack, customer, orderId!);
    const payments = await Promise.all(Array.from({ length: 5 }, () => payOrder(stack, customer, orderId!)));
    expect(payments.map((result) => result.errors)).toEqual(payments.map(() => undefined));
    const paymentIds = new Set(payments.map((result) => result.data?.payOrder.id));
    expect(paymentIds.size).toBe(1);
    expect(typeof [...paymentIds][0]).toBe('string');
    expect(payments.map((result) => result.data?.payOrder.status)).toEqual(payments.map(() => 'SUCCEEDED'));
    expect(await balanceOf(stack, customer)).toBe(70_000);
    await waitForOrder(stack, customer, orderId!, hasStatus('PAID'), 'paid', DEADLINE.hop);
    const ledger = await stack.query<{ me: { wallet: { transactions: { totalCount: number } } } }>(
      '{ me { wallet { transactions { totalCount } } } }',
      {},
      customer.token,
    );
    expect(ledger.errors).toBeUndefined();
    expect(ledger.data?.me.wallet.transactions.totalCount).toBe(2); // one top-up, one payment
  });

  it('refuses illegal steps with client errors and leaves the state unchanged', async () => {
    const customer = await registerCustomer(stack, 'illegal');
    const other = await registerCustomer(stack, 'other');
    const productId = await createProduct(stack, admin, 10_000, 10);
    await addToCart(stack, customer, productId, 1);
    const orderId = await placeOrder(stack, customer);
    await stockReserved(stack, customer, orderId);

    const broke = await payOrder(stack, customer, orderId);
    expect(codeOf(broke)).toBe('BAD_USER_INPUT');
    expect(broke.errors?.[0].extensions).toMatchObject({ reason: 'INSUFFICIENT_FUNDS' });
    expect(codeOf(await payOrder(stack, other, orderId))).toBe('FORBIDDEN');
    expect(codeOf(await cancelOrder(stack, other, orderId))).toBe('FORBIDDEN');
    expect(codeOf(await checkout(stack, await registerCustomer(stack, 'empty')))).toBe('BAD_USER_INPUT');
    expect((await readOrder(stack, customer, orderId)).status).toBe('AWAITING_PAYMENT');

    // The order stays payable after the failed attempt.
    await topUp(stack, customer, 10_000);
    const paid = await payOrder(stack, customer, orderId);
    expect(paid.errors).toBeUndefined();
    expect(paid.data?.payOrder.status).toBe('SUCCEEDED');
  });

  it('applies every event once even when the whole outbox is delivered again', async () => {
    const customer = await registerCustomer(stack, 'redelivery');
    const productId = await createProduct(stack, admin, 40_000, 4);
    await addToCart(stack, customer, productId, 2);
    await topUp(stack, customer, 100_000);
    const orderId = await placeOrder(stack, customer);
    await stockReserved(stack, customer, orderId);
    const paid = await payOrder(stack, customer, orderId);
    expect(paid.errors).toBeUndefined();
    expect(paid.data?.payOrder.status).toBe('SUCCEEDED');
    const before = await waitForOrder(
      stack,
      customer,
      orderId,
      (order) => order.status === 'PAID' && order.delivery?.status === 'CREATED',
      'paid with a delivery',
      DEADLINE.roundTrip,
    );

    // Mark every published event of every service unpublished: the relays send them all again.
    for (const service of [stack.order, stack.product, stack.payment, stack.delivery]) {
      await service.orm.em.getConnection().execute('update outbox set published_at = null');
    }
    await eventually(
      async () => {
        for (const service of [stack.order, stack.product, stack.payment, stack.delivery]) {
          const [row] = await service.orm.em
            .getConnection()
            .execute<{ count: string }[]>('select count(*) from outbox where published_at is null');
          if (Number(row.count) > 0) return false;
        }
        return true;
      },
      { message: 'every outbox to be published again', timeoutMs: DEADLINE.roundTrip },
    );
    await consumersCaughtUp(stack, DEADLINE.saga);

    const after = await readOrder(stack, customer, orderId);
    expect(after.statusHistory).toEqual(before.statusHistory);
    expect(after.status).toBe('PAID');
    expect(await balanceOf(stack, customer)).toBe(20_000);
    expect(await stockOf(stack, productId)).toEqual({ onHand: 4, reserved: 2, available: 2 });
  });
});
