import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import {
  eventually,
  startTestSubgraph,
  uniquePrefix,
  within,
  type TestSubgraph,
} from '@marketplace/platform/testing';
import type { OrderServices } from '../src/context';
import { validateNewOrder } from '../src/domain/order-lines';
import { orderSubgraph } from '../src/server';

const ROSES = '0b7a2f53-52a4-4b8e-9e36-4a1f7a0c9d11';
const MINUTE = 60_000;

// Two replicas of the order service on one database. Small batches, so concurrent sweeps really
// interleave (each sweeper's share varies from run to run); no background sweep until the test
// that starts one.
const prefix = uniquePrefix();
let replicaA: TestSubgraph<OrderServices>;
let replicaB: TestSubgraph<OrderServices>;
const extra: TestSubgraph<OrderServices>[] = [];

beforeAll(async () => {
  const settings = { expirySweepMs: 0, expiryBatchSize: 3 };
  // The sweep's safety is the database's business; separate Kafka namespaces only spare the
  // consumer-group rebalance a shared group would cost at start and stop.
  [replicaA, replicaB] = await Promise.all([
    startTestSubgraph(orderSubgraph, prefix, {}, settings),
    startTestSubgraph(orderSubgraph, prefix, { kafkaNamespace: `${prefix}.replica-b.` }, settings),
  ]);
});
afterAll(async () => {
  for (const service of extra) await service.stop();
  await replicaB.stop();
  await replicaA.destroy();
});

const sql = <T>(query: string, params: unknown[] = []) =>
  replicaA.orm.em.getConnection().execute<T[]>(query, params);

async function placeAt(placedAt: Date) {
  const { order } = await replicaA.services.orders.createOrder(
    { em: replicaA.orm.em.fork() },
    {
      userId: randomUUID(),
      ...validateNewOrder({
        shippingAddress: 'Moscow, Tverskaya 1',
        lines: [{ productId: ROSES, productName: 'Red roses', quantity: 1, unitPriceAmount: 15_000 }],
      }),
      now: placedAt,
    },
  );
  return order.id;
}

const ago = (now: Date, minutes: number) => new Date(now.getTime() - minutes * MINUTE);

const statusesOf = async (ids: string[]) =>
  new Map(
    (
      await sql<{ id: string; status: string; cancellation_reason: string | null }>(
        'select id, status, cancellation_reason from orders where id = any(?::uuid[])',
        [`{${ids.join(',')}}`],
      )
    ).map((row) => [row.id, `${row.status}/${row.cancellation_reason ?? '-'}`]),
  );

const countsPerOrder = async (query: string, ids: string[]) =>
  new Map(
    (await sql<{ id: string; count: string }>(query, [`{${ids.join(',')}}`])).map((row) => [
      row.id,
      Number(row.count),
    ]),
  );

describe('unpaid order expiry', () => {
  it('cancels each expired order exactly once when two replicas sweep at the same time', async () => {
    const now = new Date();
    const expiredPending = await Promise.all(Array.from({ length: 16 }, (_, i) => placeAt(ago(now, 11 + i))));
    const expiredAwaiting = await Promise.all(Array.from({ length: 4 }, (_, i) => placeAt(ago(now, 20 + i))));
    for (const id of expiredAwaiting) {
      await replicaA.services.orders.changeStatus({ em: replicaA.orm.em.fork() }, id, 'AWAITING_PAYMENT');
    }
    const expired = [...expiredPending, ...expiredAwaiting];
    const fresh = await Promise.all(Array.from({ length: 5 }, (_, i) => placeAt(ago(now, 9 - i))));
    const paidLongAgo = await placeAt(ago(now, 60));
    for (const status of ['AWAITING_PAYMENT', 'PAID'] as const) {
      await replicaA.services.orders.changeStatus({ em: replicaA.orm.em.fork() }, paidLongAgo, status);
    }

    const cancelled = await Promise.all([
      replicaA.services.expiry.sweepExpired(now),
      replicaB.services.expiry.sweepExpired(now),
      replicaA.services.expiry.sweepExpired(now),
      replicaB.services.expiry.sweepExpired(now),
    ]);

    expect(cancelled.reduce((sum, count) => sum + count, 0)).toBe(20);
    const statuses = await statusesOf([...expired, ...fresh, paidLongAgo]);
    for (const id of expired) expect(statuses.get(id)).toBe('CANCELLED/PAYMENT_TIMEOUT');
    for (const id of fresh) expect(statuses.get(id)).toBe('PENDING/-');
    expect(statuses.get(paidLongAgo)).toBe('PAID/-');

    const cancelledEvents = await countsPerOrder(
      `select message_key as id, count(*) from outbox
        where type = 'OrderCancelled' and message_key = any(?::text[]) group by message_key`,
      expired,
    );
    const cancelledRows = await countsPerOrder(
      `select order_id as id, count(*) from order_status_changes
        where status = 'CANCELLED' and order_id = any(?::uuid[]) group by order_id`,
      expired,
    );
    for (const id of expired) {
      expect(cancelledEvents.get(id)).toBe(1);
      expect(cancelledRows.get(id)).toBe(1);
    }
    const [payload] = await sql<{ payload: { version: number; payload: unknown } }>(
      `select payload from outbox where type = 'OrderCancelled' and message_key = ?`,
      [expiredAwaiting[0]],
    );
    expect(payload.payload).toMatchObject({
      version: 3,
      payload: { reason: 'PAYMENT_TIMEOUT', previousStatus: 'AWAITING_PAYMENT' },
    });
    const freshEvents = await sql(
      `select 1 from outbox where type = 'OrderCancelled' and message_key = any(?::text[])`,
      [`{${fresh.join(',')}}`],
    );
    expect(freshEvents).toHaveLength(0);

    await expect(replicaB.services.expiry.sweepExpired(now)).resolves.toBe(0);
  });

  it('skips an order another transaction holds instead of waiting for it, and cancels it later', async () => {
    const now = new Date();
    const [held, other] = await Promise.all([placeAt(ago(now, 30)), placeAt(ago(now, 31))]);
    const blocker = new Client({ connectionString: replicaA.orm.config.get('clientUrl') });
    await blocker.connect();
    try {
      await blocker.query('begin');
      await blocker.query('select id from orders where id = $1 for update', [held]);

      // Bounded: a sweep that waits for the held row (no SKIP LOCKED) fails here in seconds, and
      // ending the blocker below then releases the lock instead of hanging the suite.
      const whileHeld = await within(
        replicaB.services.expiry.sweepExpired(now),
        5_000,
        'a sweep past a held row',
      );

      expect(whileHeld).toBe(1);
      expect(await statusesOf([held, other])).toEqual(
        new Map([
          [held, 'PENDING/-'],
          [other, 'CANCELLED/PAYMENT_TIMEOUT'],
        ]),
      );
      await blocker.query('commit');
    } finally {
      await blocker.end();
    }

    await expect(replicaA.services.expiry.sweepExpired(now)).resolves.toBe(1);
    expect((await statusesOf([held])).get(held)).toBe('CANCELLED/PAYMENT_TIMEOUT');
  });

  it('leaves an order paid before the sweep reaches it alone', async () => {
    const now = new Date();
    const id = await placeAt(ago(now, 15));
    for (const status of ['AWAITING_PAYMENT', 'PAID'] as const) {
      await replicaA.services.orders.changeStatus({ em: replicaA.orm.em.fork() }, id, status);
    }

    await replicaA.services.expiry.sweepExpired(now);

    expect((await statusesOf([id])).get(id)).toBe('PAID/-');
  });

  it('runs the sweep in the background on the configured interval', async () => {
    // Same database; its own Kafka namespace, so it does not make the replicas' consumer group rebalance.
    const background = await startTestSubgraph(
      orderSubgraph,
      prefix,
      { kafkaNamespace: `${prefix}.background.` },
      { expirySweepMs: 50 },
    );
    extra.push(background);
    const id = await placeAt(ago(new Date(), 10.5));

    await eventually(async () => (await statusesOf([id])).get(id) === 'CANCELLED/PAYMENT_TIMEOUT', {
      timeoutMs: 10_000,
      message: 'the background sweep to cancel the expired order',
    });
  });
});
