import { createServer } from 'node:net';
import { createTokenSigner, newId } from '@marketplace/platform';
import {
  errorCodes,
  graphql,
  startTestSubgraph,
  within,
  type TestSubgraph,
} from '@marketplace/platform/testing';
import { orderSubgraph } from '../../order/src/server';
import { paymentSubgraph } from '../src/server';

/**
 * `payOrder` for an order id that does not exist: the payment service asks the order service
 * instead of waiting for events that will never come. The read-model wait is set far beyond the
 * deadlines here, so an answer within them can only come from that question.
 */
const READ_MODEL_WAIT_MS = 60_000;
const PAY = 'mutation ($id: ID!) { payOrder(orderId: $id) { id } }';

let order: TestSubgraph<unknown>;
let payment: TestSubgraph<unknown>;
let token: string;

beforeAll(async () => {
  order = (await startTestSubgraph(orderSubgraph, undefined, {
    consumerMaxAttempts: 1,
  })) as TestSubgraph<unknown>;
  payment = (await startTestSubgraph(
    paymentSubgraph,
    undefined,
    {},
    {
      orderSyncWaitMs: READ_MODEL_WAIT_MS,
      orderServiceUrl: order.url,
    },
  )) as TestSubgraph<unknown>;
  token = createTokenSigner(payment.config.jwtSecret, '1h').sign({ id: newId(), role: 'CUSTOMER' });
}, 60_000);
afterAll(async () => {
  await payment?.destroy();
  await order?.destroy();
});

it('answers NOT_FOUND at once for an order the order service does not know', async () => {
  const result = await within(
    graphql(payment.url, PAY, { id: newId() }, token),
    10_000,
    'payOrder of an unknown order',
  );
  expect(errorCodes(result)).toEqual(['NOT_FOUND']);
  expect(result.status).toBeLessThan(500);
});

it('still answers NOT_FOUND, after the wait, when the order service cannot be asked', async () => {
  // A port nothing listens on: the question fails, and the bounded wait decides as before.
  const closedPort = await new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
  const alone = await startTestSubgraph(
    paymentSubgraph,
    undefined,
    {},
    {
      orderSyncWaitMs: 200,
      orderServiceUrl: `http://127.0.0.1:${closedPort}/graphql`,
    },
  );
  try {
    const result = await within(graphql(alone.url, PAY, { id: newId() }, token), 10_000, 'payOrder');
    expect(errorCodes(result)).toEqual(['NOT_FOUND']);
  } finally {
    await alone.destroy();
  }
});
