import { randomUUID } from 'node:crypto';
import { AssignerProtocol } from 'kafkajs';
import { createKafka, createLogger, namespaced, TOPICS } from '@marketplace/platform';
import { eventually } from '@marketplace/platform/testing';
import { registerCustomer, type SignedIn, type Stack } from './harness';

/** Client-side steps of the order saga, through the gateway, shared by the saga e2e tests. */

export interface OrderView {
  id: string;
  status: string;
  cancellationReason: string | null;
  total: { amount: number; currency: string };
  statusHistory: { status: string; reason: string | null }[];
  payment: { id: string; status: string; amount: { amount: number } } | null;
  delivery: { id: string; status: string; destination: string } | null;
}

const ORDER = /* GraphQL */ `
  query Order($id: ID!) {
    order(id: $id) {
      id
      status
      cancellationReason
      total {
        amount
        currency
      }
      statusHistory {
        status
        reason
      }
      payment {
        id
        status
        amount {
          amount
        }
      }
      delivery {
        id
        status
        destination
      }
    }
  }
`;

export async function createProduct(
  stack: Stack,
  admin: SignedIn,
  price: number,
  stock: number,
): Promise<string> {
  const categories = await stack.query<{ categories: { id: string }[] }>('{ categories { id } }');
  if (categories.errors || !categories.data?.categories.length)
    throw new Error(`categories failed: ${JSON.stringify(categories.errors)}`);
  const result = await stack.query<{ createProduct: { id: string } }>(
    `mutation ($input: CreateProductInput!) { createProduct(input: $input) { id } }`,
    {
      input: {
        sku: `SAGA-${randomUUID().slice(0, 8)}`,
        name: `Saga bouquet ${randomUUID().slice(0, 4)}`,
        description: 'made by the saga e2e test',
        price,
        categoryId: categories.data.categories[0].id,
        stock,
      },
    },
    admin.token,
  );
  if (result.errors || !result.data)
    throw new Error(`createProduct failed: ${JSON.stringify(result.errors)}`);
  return result.data.createProduct.id;
}

export async function signInAdmin(stack: Stack): Promise<SignedIn> {
  const registered = await registerCustomer(stack, 'admin');
  return { id: registered.id, token: stack.tokenFor(registered.id, 'ADMIN') };
}

export async function addToCart(
  stack: Stack,
  customer: SignedIn,
  productId: string,
  quantity: number,
): Promise<void> {
  const result = await stack.query(
    'mutation ($p: ID!, $q: Int!) { addToCart(productId: $p, quantity: $q) { itemCount } }',
    { p: productId, q: quantity },
    customer.token,
  );
  if (result.errors) throw new Error(`addToCart failed: ${JSON.stringify(result.errors)}`);
}

export async function topUp(stack: Stack, customer: SignedIn, amount: number): Promise<void> {
  const result = await stack.query(
    'mutation ($a: Int!) { topUpWallet(amount: $a) { balance { amount } } }',
    { a: amount },
    customer.token,
  );
  if (result.errors) throw new Error(`topUpWallet failed: ${JSON.stringify(result.errors)}`);
}

export const checkout = (stack: Stack, customer: SignedIn, idempotencyKey = randomUUID()) =>
  stack.query<{ checkout: { id: string; status: string } }>(
    'mutation ($input: CheckoutInput!) { checkout(input: $input) { id status } }',
    { input: { idempotencyKey, shippingAddress: '7 Garden Ring, Moscow' } },
    customer.token,
  );

/** Checks out the customer's cart and returns the new order's id; throws on any error. */
export async function placeOrder(stack: Stack, customer: SignedIn): Promise<string> {
  const result = await checkout(stack, customer);
  if (result.errors || result.data?.checkout.status !== 'PENDING')
    throw new Error(`checkout failed: ${JSON.stringify(result.errors ?? result.data)}`);
  return result.data.checkout.id;
}

export const payOrder = (stack: Stack, customer: SignedIn, orderId: string) =>
  stack.query<{ payOrder: { id: string; status: string } }>(
    'mutation ($id: ID!) { payOrder(orderId: $id) { id status amount { amount } } }',
    { id: orderId },
    customer.token,
  );

export const cancelOrder = (stack: Stack, who: SignedIn, orderId: string) =>
  stack.query<{ cancelOrder: { status: string } }>(
    'mutation ($id: ID!) { cancelOrder(id: $id) { status } }',
    { id: orderId },
    who.token,
  );

export const dispatch = (stack: Stack, admin: SignedIn, deliveryId: string) =>
  stack.query<{ dispatchDelivery: { status: string } }>(
    'mutation ($id: ID!) { dispatchDelivery(id: $id) { status } }',
    { id: deliveryId },
    admin.token,
  );

export const complete = (stack: Stack, admin: SignedIn, deliveryId: string) =>
  stack.query<{ completeDelivery: { status: string } }>(
    'mutation ($id: ID!) { completeDelivery(id: $id) { status } }',
    { id: deliveryId },
    admin.token,
  );

export async function readOrder(stack: Stack, who: SignedIn, orderId: string): Promise<OrderView> {
  const result = await stack.query<{ order: OrderView }>(ORDER, { id: orderId }, who.token);
  if (result.errors || !result.data?.order)
    throw new Error(`order ${orderId} not readable: ${JSON.stringify(result.errors)}`);
  return result.data.order;
}

/**
 * How long a test may wait for what the saga does asynchronously: one Kafka hop (a service consumes
 * an event and commits), a round trip (e.g. order → product reserves → order), or a whole chain
 * with 30 orders racing on a shared machine. Generous for a healthy stack, short enough that a
 * lost event fails the test in seconds.
 */
export const DEADLINE = { hop: 5_000, roundTrip: 10_000, saga: 20_000 } as const;

/**
 * Waits until the order satisfies `condition` (the saga moves it asynchronously through Kafka), at
 * most `timeoutMs` (one of {@link DEADLINE}).
 */
export function waitForOrder(
  stack: Stack,
  who: SignedIn,
  orderId: string,
  condition: (order: OrderView) => boolean,
  message: string,
  timeoutMs: number,
): Promise<OrderView> {
  return eventually(
    async () => {
      const order = await readOrder(stack, who, orderId);
      return condition(order) ? order : undefined;
    },
    { timeoutMs, intervalMs: 100, message },
  );
}

export const hasStatus = (status: string) => (order: OrderView) => order.status === status;

/** Waits until the saga has reserved the order's stock (`AWAITING_PAYMENT`). */
export const stockReserved = (stack: Stack, customer: SignedIn, orderId: string): Promise<OrderView> =>
  waitForOrder(stack, customer, orderId, hasStatus('AWAITING_PAYMENT'), 'stock reserved', DEADLINE.roundTrip);

export async function stockOf(stack: Stack, productId: string) {
  const result = await stack.query<{
    product: { stock: { onHand: number; reserved: number; available: number } };
  }>('query ($id: ID!) { product(id: $id) { stock { onHand reserved available } } }', { id: productId });
  if (result.errors || !result.data?.product)
    throw new Error(`product ${productId} not readable: ${JSON.stringify(result.errors)}`);
  return result.data.product.stock;
}

export async function balanceOf(stack: Stack, customer: SignedIn): Promise<number> {
  const result = await stack.query<{ me: { wallet: { balance: { amount: number } } } }>(
    '{ me { wallet { balance { amount } } } }',
    {},
    customer.token,
  );
  if (result.errors || !result.data?.me.wallet)
    throw new Error(`wallet not readable: ${JSON.stringify(result.errors)}`);
  return result.data.me.wallet.balance.amount;
}

/** Which service consumes which topics (base names), as wired in each subgraph's server.ts. */
const CONSUMED: Record<string, (keyof typeof TOPICS)[]> = {
  order: ['product', 'payment', 'delivery'],
  product: ['order'],
  cart: ['order'],
  payment: ['order'],
  delivery: ['order'],
};

/** Resolves once every service's consumer group has committed up to the end of every topic it reads. */
export async function consumersCaughtUp(stack: Stack, timeoutMs: number): Promise<void> {
  const config = stack.order.config;
  const admin = createKafka(config, createLogger('e2e-lag', 'silent')).admin();
  await admin.connect();
  try {
    await eventually(
      async () => {
        for (const [service, topics] of Object.entries(CONSUMED)) {
          for (const base of topics) {
            const topic = namespaced(config, TOPICS[base]);
            const ends = await admin.fetchTopicOffsets(topic);
            const [committed] = await admin.fetchOffsets({
              groupId: namespaced(config, service),
              topics: [topic],
            });
            for (const end of ends) {
              const done = committed.partitions.find((partition) => partition.partition === end.partition);
              if (Math.max(Number(done?.offset ?? -1), 0) < Number(end.high)) return false;
            }
          }
        }
        return true;
      },
      { timeoutMs, intervalMs: 200, message: 'every consumer group to catch up' },
    );
  } finally {
    await admin.disconnect();
  }
}

/**
 * Resolves once every consuming service's consumer group is stable with `members` members, each
 * assigned at least one partition: events are then really split between the instances.
 */
export async function consumerGroupsShared(stack: Stack, members: number, timeoutMs: number): Promise<void> {
  const config = stack.order.config;
  const admin = createKafka(config, createLogger('e2e-groups', 'silent')).admin();
  await admin.connect();
  try {
    const groupIds = Object.keys(CONSUMED).map((service) => namespaced(config, service));
    let last = '';
    await eventually(
      async () => {
        const { groups } = await admin.describeGroups(groupIds);
        last = JSON.stringify(groups.map((group) => [group.groupId, group.state, group.members.length]));
        return groups.every(
          (group) =>
            group.state === 'Stable' &&
            group.members.length === members &&
            group.members.every((member) => {
              const decoded = AssignerProtocol.MemberAssignment.decode(member.memberAssignment);
              return Object.values(decoded?.assignment ?? {}).some((partitions) => partitions.length > 0);
            }),
        );
      },
      { timeoutMs, intervalMs: 200, message: `every consumer group to have ${members} members` },
    ).catch((error: Error) => {
      throw new Error(`${error.message}; last seen ${last}`);
    });
  } finally {
    await admin.disconnect();
  }
}
