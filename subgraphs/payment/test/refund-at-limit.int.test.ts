import type { Producer } from 'kafkajs';
import {
  createEvent,
  createKafka,
  createLogger,
  createTokenSigner,
  namespaced,
  MAX_API_AMOUNT,
  newId,
  TOPICS,
  type EventCatalogue,
  type EventType,
} from '@marketplace/platform';
import {
  errorCodes,
  eventually,
  graphql,
  startTestSubgraph,
  type TestSubgraph,
} from '@marketplace/platform/testing';
import type { PaymentServices } from '../src/context';
import { MAX_BALANCE_AMOUNT, MAX_TOP_UP_AMOUNT } from '../src/domain/wallet';
import { paymentSubgraph } from '../src/server';

/**
 * A refund is the customer's own money coming back: no wallet limit may stop it. Paid, then topped
 * up to the most a wallet may be topped up to, then cancelled — the refund still lands, through
 * Kafka as in production, and the balance (above the top-up limit) stays readable.
 */
let service: TestSubgraph<PaymentServices>;
let producer: Producer;
const sign = (id: string) => createTokenSigner(service.config.jwtSecret, '1h').sign({ id, role: 'CUSTOMER' });

beforeAll(async () => {
  service = await startTestSubgraph(paymentSubgraph);
  producer = createKafka(service.config, createLogger('refund-test', 'silent')).producer();
  await producer.connect();
});
afterAll(async () => {
  await producer.disconnect();
  await service.destroy();
});

const send = async <TType extends EventType>(
  type: TType,
  orderId: string,
  version: number,
  payload: EventCatalogue[TType],
) =>
  producer.send({
    topic: namespaced(service.config, TOPICS.order),
    messages: [
      {
        key: orderId,
        value: JSON.stringify(createEvent({ type, orderId, version, source: 'order', payload })),
      },
    ],
  });

const mutate = async (token: string, query: string, variables: Record<string, unknown>) =>
  graphql(service.url, query, variables, token);
const TOP_UP = 'mutation ($amount: Int!) { topUpWallet(amount: $amount) { balance { amount } } }';
const PAY = 'mutation ($id: ID!) { payOrder(orderId: $id) { id status } }';
const BALANCE = `query ($representations: [_Any!]!) {
  _entities(representations: $representations) { ... on User { wallet { balance { amount } } } }
}`;

const paymentStatus = async (orderId: string) =>
  (
    await service.orm.em
      .getConnection()
      .execute<{ status: string }[]>('select status from payments where order_id = ?', [orderId])
  )[0]?.status;

it('refunds a cancelled order to a wallet topped up to its limit, and the balance stays readable', async () => {
  const buyer = newId();
  const token = sign(buyer);
  const orderId = newId();
  const total = 4_000;
  await send('OrderPlaced', orderId, 1, {
    userId: buyer,
    items: [{ productId: newId(), quantity: 1, unitPrice: total }],
    total: { amount: total, currency: 'RUB' },
    shippingAddress: '12 Rose St, Kazan',
  });
  await send('OrderStatusChanged', orderId, 2, {
    userId: buyer,
    status: 'AWAITING_PAYMENT',
    previousStatus: 'PENDING',
    reason: null,
  });
  expect((await mutate(token, TOP_UP, { amount: total })).errors).toBeUndefined();
  const paid = await eventually(
    async () => {
      const result = await mutate(token, PAY, { id: orderId });
      return result.errors ? undefined : result;
    },
    { timeoutMs: 20_000, message: 'the order paid' },
  );
  expect(paid.data).toMatchObject({ payOrder: { status: 'SUCCEEDED' } });

  // The wallet is empty again; top it up to the most a top-up may bring it to.
  for (let balance = 0; balance < MAX_BALANCE_AMOUNT; balance += MAX_TOP_UP_AMOUNT) {
    const amount = Math.min(MAX_TOP_UP_AMOUNT, MAX_BALANCE_AMOUNT - balance);
    expect((await mutate(token, TOP_UP, { amount })).errors).toBeUndefined();
  }
  expect(errorCodes(await mutate(token, TOP_UP, { amount: 1 }))).toEqual(['BAD_USER_INPUT']);

  await send('OrderCancelled', orderId, 3, {
    userId: buyer,
    reason: 'CUSTOMER_REQUEST',
    previousStatus: 'AWAITING_PAYMENT',
  });
  await eventually(async () => (await paymentStatus(orderId)) === 'REFUNDED' || undefined, {
    timeoutMs: 10_000,
    message: 'the payment refunded',
  });
  const balance = await graphql<{ _entities: { wallet: { balance: { amount: number } } }[] }>(
    service.url,
    BALANCE,
    { representations: [{ __typename: 'User', id: buyer }] },
    token,
  );
  expect(balance.errors).toBeUndefined();
  expect(balance.data?._entities[0].wallet.balance.amount).toBe(MAX_BALANCE_AMOUNT + total);
  // The limit still applies to top-ups.
  expect(errorCodes(await mutate(token, TOP_UP, { amount: 1 }))).toEqual(['BAD_USER_INPUT']);
});

it('reads a balance past what the API can show as a clear BAD_USER_INPUT on the balance only', async () => {
  const owner = newId();
  const token = sign(owner);
  expect((await mutate(token, TOP_UP, { amount: 100 })).errors).toBeUndefined();
  // Only many refunds to a wallet at the top-up limit could get here; stored exactly as bigint.
  await service.orm.em
    .getConnection()
    .execute('update wallets set balance_amount = ? where user_id = ?', [MAX_API_AMOUNT + 1, owner]);
  const read = await graphql(
    service.url,
    BALANCE,
    { representations: [{ __typename: 'User', id: owner }] },
    token,
  );
  expect(read.status).toBeLessThan(500);
  expect(errorCodes(read)).toEqual(['BAD_USER_INPUT']);
  expect(read.errors?.[0].extensions).toMatchObject({ reason: 'AMOUNT_TOO_LARGE', max: MAX_API_AMOUNT });
  expect(
    (await service.services.wallets.openWallet({ em: service.orm.em.fork() }, owner)).balanceAmount,
  ).toBe(MAX_API_AMOUNT + 1);
});
