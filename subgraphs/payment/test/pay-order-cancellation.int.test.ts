import { request } from 'node:http';
import { createTokenSigner, newId } from '@marketplace/platform';
import {
  eventually,
  startStubServer,
  startTestSubgraph,
  within,
  type StubServer,
  type TestSubgraph,
} from '@marketplace/platform/testing';
import { paymentSubgraph } from '../src/server';

/**
 * `payOrder` of an order payment has not heard of asks the order subgraph; a client that
 * disconnects meanwhile must not leave that call running until its timeout.
 */
let order: StubServer;
let payment: TestSubgraph<unknown>;
let token: string;

beforeAll(async () => {
  order = await startStubServer(() => 'hang');
  payment = (await startTestSubgraph(
    paymentSubgraph,
    undefined,
    {},
    { orderSyncWaitMs: 60_000, orderServiceUrl: order.url },
  )) as TestSubgraph<unknown>;
  token = createTokenSigner(payment.config.jwtSecret, '1h').sign({ id: newId(), role: 'CUSTOMER' });
}, 60_000);
afterAll(async () => {
  await payment?.destroy();
  await order?.close();
});

it("abandons the order subgraph call when payOrder's client disconnects", async () => {
  const client = request(payment.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
  });
  client.on('error', () => undefined);
  client.end(
    JSON.stringify({
      query: 'mutation ($id: ID!) { payOrder(orderId: $id) { id } }',
      variables: { id: newId() },
    }),
  );
  await eventually(() => order.requests.length > 0, { timeoutMs: 5_000, message: 'the order lookup' });

  client.destroy();

  await within(order.requests[0].abandoned, 3_000, 'the order lookup to be abandoned');
  expect(order.requests).toHaveLength(1);
});
