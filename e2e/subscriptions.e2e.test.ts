import { eventually } from '@marketplace/platform/testing';
import { connect, errorCodesOf, subscribe, type Socket } from '../gateway/test/ws-client';
import { registerCustomer, startStack, type SignedIn, type Stack } from './harness';
import {
  addToCart,
  complete,
  createProduct,
  DEADLINE,
  dispatch,
  payOrder,
  placeOrder,
  signInAdmin,
  topUp,
  waitForOrder,
} from './saga';

/** Live order tracking over graphql-ws through the gateway, fed by the real order saga. */

const ORDER_FIELDS = /* GraphQL */ `
  fragment TrackedOrder on Order {
    status
    items {
      quantity
      product {
        name
      }
    }
    payment {
      status
    }
    delivery {
      status
    }
  }
`;
const MY_UPDATES = /* GraphQL */ `
  subscription Mine {
    myOrderUpdates {
      orderId
      version
      status
      previousStatus
      order {
        ...TrackedOrder
      }
    }
  }
  ${ORDER_FIELDS}
`;
const FOLLOW = /* GraphQL */ `
  subscription Follow($orderId: ID!) {
    orderStatusChanged(orderId: $orderId) {
      version
      status
    }
  }
`;

interface TrackedEvent {
  orderId: string;
  version: number;
  status: string;
  previousStatus: string | null;
  order: {
    status: string;
    items: { quantity: number; product: { name: string } }[];
    payment: { status: string } | null;
    delivery: { status: string } | null;
  } | null;
}

let stack: Stack;
let admin: SignedIn;
const sockets: Socket[] = [];

const open = (who: SignedIn): Socket => {
  const socket = connect(stack.gateway, { Authorization: `Bearer ${who.token}` });
  sockets.push(socket);
  return socket;
};
const registered = (count: number) =>
  eventually(() => stack.gateway.subscriptions!.fanOut.size === count || undefined, {
    message: `${count} live subscription(s)`,
    timeoutMs: DEADLINE.hop,
  });

beforeAll(async () => {
  stack = await startStack();
  admin = await signInAdmin(stack);
  await eventually(() => stack.gateway.subscriptions!.source.consuming, {
    timeoutMs: DEADLINE.saga,
    message: "the gateway's order event consumer",
  });
}, 60_000);

afterEach(async () => {
  await Promise.all(sockets.splice(0).map((socket) => socket.client.dispose()));
  await registered(0);
});

afterAll(() => stack?.stop(), 30_000);

describe('live order tracking through the gateway', () => {
  it("shows an order's whole lifecycle live, with fields from every subgraph", async () => {
    const customer = await registerCustomer(stack, 'tracker');
    const productId = await createProduct(stack, admin, 120_000, 10);
    const product = await stack.query<{ product: { name: string } }>(
      'query ($id: ID!) { product(id: $id) { name } }',
      { id: productId },
    );
    expect(product.errors).toBeUndefined();
    await addToCart(stack, customer, productId, 2);
    await topUp(stack, customer, 300_000);
    const socket = open(customer);
    const mine = subscribe<{ myOrderUpdates: TrackedEvent }>(socket, MY_UPDATES);
    await registered(1);

    const orderId = await placeOrder(stack, customer);
    const follow = subscribe<{ orderStatusChanged: { version: number; status: string } }>(socket, FOLLOW, {
      orderId,
    });
    const statuses = () => mine.results.map((result) => result.data?.myOrderUpdates.status);
    await eventually(() => statuses().includes('AWAITING_PAYMENT'), {
      timeoutMs: DEADLINE.roundTrip,
      message: 'stock reserved, live',
    });

    const payment = await payOrder(stack, customer, orderId);
    expect(payment.errors).toBeUndefined();
    expect(payment.data?.payOrder.status).toBe('SUCCEEDED');
    const paid = await waitForOrder(
      stack,
      customer,
      orderId,
      (order) => order.status === 'PAID' && order.delivery !== null,
      'paid with a delivery',
      DEADLINE.roundTrip,
    );
    expect((await dispatch(stack, admin, paid.delivery!.id)).errors).toBeUndefined();
    await eventually(() => statuses().includes('SHIPPED'), {
      timeoutMs: DEADLINE.roundTrip,
      message: 'shipped, live',
    });
    expect((await complete(stack, admin, paid.delivery!.id)).errors).toBeUndefined();
    await eventually(() => statuses().includes('DELIVERED'), {
      timeoutMs: DEADLINE.roundTrip,
      message: 'delivered, live',
    });

    expect(mine.results.map((result) => result.errors)).toEqual(mine.results.map(() => undefined));
    const events = mine.results.map((result) => result.data!.myOrderUpdates);
    expect(events.map(({ status, previousStatus, version }) => [version, previousStatus, status])).toEqual([
      [1, null, 'PENDING'],
      [2, 'PENDING', 'AWAITING_PAYMENT'],
      [3, 'AWAITING_PAYMENT', 'PAID'],
      [4, 'PAID', 'SHIPPED'],
      [5, 'SHIPPED', 'DELIVERED'],
    ]);
    expect(events.every((event) => event.orderId === orderId)).toBe(true);
    // The order as it was when each event was delivered, resolved across order, product, payment, delivery.
    expect(events[4].order).toEqual({
      status: 'DELIVERED',
      items: [{ quantity: 2, product: { name: product.data!.product.name } }],
      payment: { status: 'SUCCEEDED' },
      delivery: { status: 'DELIVERED' },
    });

    // Following the order from just after checkout: the events since then, in order, ending delivered.
    await eventually(() => follow.results.at(-1)?.data?.orderStatusChanged.status === 'DELIVERED', {
      message: 'the follower to see the delivery',
      timeoutMs: DEADLINE.hop,
    });
    expect(follow.results.map((result) => result.errors)).toEqual(follow.results.map(() => undefined));
    const followed = follow.results.map((result) => result.data!.orderStatusChanged.version);
    expect(followed).toEqual([...followed].sort((a, b) => a - b));
    expect(new Set(followed).size).toBe(followed.length);
    expect(follow.results.at(-1)?.data?.orderStatusChanged).toEqual({ version: 5, status: 'DELIVERED' });
  });

  it("refuses to let a customer follow someone else's order", async () => {
    const owner = await registerCustomer(stack, 'owner');
    const other = await registerCustomer(stack, 'other');
    const productId = await createProduct(stack, admin, 50_000, 5);
    await addToCart(stack, owner, productId, 1);
    const orderId = await placeOrder(stack, owner);

    const spying = subscribe(open(other), FOLLOW, { orderId });
    await spying.ended;
    expect(errorCodesOf(spying)).toEqual(['FORBIDDEN']);
  });
});
