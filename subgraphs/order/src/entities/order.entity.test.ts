import { MikroORM, PostgreSqlDriver } from '@mikro-orm/postgresql';
import { IllegalTransitionError } from '@marketplace/platform';
import { orderStateMachine } from '../domain/order-state';
import { Order, OrderSchema } from './order.entity';
import { OrderItemSchema } from './order-item.entity';
import { OrderStatusChangeSchema } from './order-status-change.entity';

// Collections need discovered metadata; no database connection is made.
let orm: MikroORM;
beforeAll(async () => {
  orm = await MikroORM.init({
    driver: PostgreSqlDriver,
    dbName: 'unused',
    connect: false,
    entities: [OrderSchema, OrderItemSchema, OrderStatusChangeSchema],
    discovery: { disableDynamicFileAccess: true, requireEntitiesArray: true },
  });
});
afterAll(() => orm.close());

const PLACED_AT = new Date('2026-11-01T10:00:00.000Z');
const later = (minutes: number) => new Date(PLACED_AT.getTime() + minutes * 60_000);

const newOrder = () =>
  new Order(
    '3f1b5c1e-8a4d-4d43-9a57-0c1a8d2b7e01',
    {
      shippingAddress: 'Moscow, Tverskaya 1',
      idempotencyKey: null,
      lines: [
        {
          productId: '0b7a2f53-52a4-4b8e-9e36-4a1f7a0c9d11',
          productName: 'Roses',
          quantity: 3,
          unitPriceAmount: 15_000,
        },
        {
          productId: '9c1e7d2a-1f7b-4c1e-8d6a-2b9e0f4a7c22',
          productName: 'Tulips',
          quantity: 1,
          unitPriceAmount: 9_900,
        },
      ],
    },
    'RUB',
    PLACED_AT,
  );

describe('Order', () => {
  it('starts PENDING at version 1 with one history row and the priced total', () => {
    const order = newOrder();
    expect(order).toMatchObject({ status: 'PENDING', version: 1, totalAmount: 54_900, currency: 'RUB' });
    expect(order.updatedAt).toEqual(PLACED_AT);
    expect(order.items.getItems().map((item) => item.quantity)).toEqual([3, 1]);
    expect(order.statusHistory.getItems()).toEqual([
      expect.objectContaining({ status: 'PENDING', previousStatus: null, version: 1, occurredAt: PLACED_AT }),
    ]);
  });

  it('records each status change with the previous status and bumps the version', () => {
    const order = newOrder();
    orderStateMachine.transition(order, 'AWAITING_PAYMENT', { reason: null, now: later(1) });
    orderStateMachine.transition(order, 'CANCELLED', { reason: 'PAYMENT_TIMEOUT', now: later(11) });
    const change = order.statusHistory.getItems().at(-1);

    expect(order).toMatchObject({ status: 'CANCELLED', cancellationReason: 'PAYMENT_TIMEOUT', version: 3 });
    expect(order.updatedAt).toEqual(later(11));
    expect(change).toMatchObject({ status: 'CANCELLED', previousStatus: 'AWAITING_PAYMENT', version: 3 });
    expect(
      order.statusHistory.getItems().map((row) => [row.previousStatus, row.status, row.reason, row.version]),
    ).toEqual([
      [null, 'PENDING', null, 1],
      ['PENDING', 'AWAITING_PAYMENT', null, 2],
      ['AWAITING_PAYMENT', 'CANCELLED', 'PAYMENT_TIMEOUT', 3],
    ]);
  });

  it('leaves the order untouched when a transition is refused', () => {
    const order = newOrder();
    const move = (to: 'SHIPPED' | 'CANCELLED') =>
      orderStateMachine.transition(order, to, { reason: null, now: later(1) });
    expect(() => move('SHIPPED')).toThrow(IllegalTransitionError);
    expect(() => move('CANCELLED')).toThrow(IllegalTransitionError);
    expect(order).toMatchObject({ status: 'PENDING', version: 1, cancellationReason: null });
    expect(order.updatedAt).toEqual(PLACED_AT);
    expect(order.statusHistory.getItems()).toHaveLength(1);
  });
});
