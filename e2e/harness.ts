import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  createTokenSigner,
  type PlatformConfig,
  type Role,
  type SubgraphDefinition,
} from '@marketplace/platform';
import {
  graphql,
  startTestSubgraph,
  uniquePrefix,
  type GraphQLResponse,
  type TestSubgraph,
} from '@marketplace/platform/testing';
import { loadGatewayConfig } from '../gateway/src/config';
import { startGateway, type RunningGateway } from '../gateway/src/server';
import { cartSubgraph } from '../subgraphs/cart/src/server';
import { deliverySubgraph } from '../subgraphs/delivery/src/server';
import { orderSubgraph } from '../subgraphs/order/src/server';
import { paymentSubgraph } from '../subgraphs/payment/src/server';
import { productSubgraph } from '../subgraphs/product/src/server';
import { userSubgraph } from '../subgraphs/user/src/server';

export interface StackOptions {
  /** Instances of each consuming subgraph (product, cart, order, payment, delivery); default 1. */
  consumersPerService?: number;
}

/** The subgraphs that consume Kafka events, as wired in each one's server.ts. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const CONSUMING_SUBGRAPHS: SubgraphDefinition<any, any>[] = [
  productSubgraph,
  cartSubgraph,
  orderSubgraph,
  paymentSubgraph,
  deliverySubgraph,
];

export interface Stack {
  gateway: RunningGateway;
  user: TestSubgraph<unknown>;
  product: TestSubgraph<unknown>;
  cart: TestSubgraph<unknown>;
  order: TestSubgraph<unknown>;
  payment: TestSubgraph<unknown>;
  delivery: TestSubgraph<unknown>;
  /**
   * Extra instances of the consuming subgraphs (product, cart, order, payment, delivery) on the same
   * databases and Kafka namespace: each one's consumer joins the same consumer group and its relay
   * reads the same outbox, so events are split between instances and races go through the locks
   * and the inbox. Empty unless `startStack` was asked for more than one consumer per service.
   */
  replicas: TestSubgraph<unknown>[];
  /** Sends an operation through the gateway. */
  query<TData = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    token?: string | null,
  ): Promise<GraphQLResponse<TData>>;
  /** Mints a token for a user id and role (same secret as the services). */
  tokenFor(userId: string, role?: Role): string;
  stop(): Promise<void>;
}

/**
 * The whole graph in this process: six subgraphs on ephemeral ports, each with a fresh database,
 * and the gateway serving the committed `schema/supergraph.graphql` with the subgraph URLs
 * overridden — so e2e tests also prove the committed supergraph matches the code. Every service
 * runs its event workers against Kafka in a namespace of its own (`overrides` can point the stack
 * at another broker). With `consumersPerService: 2` every consuming subgraph runs twice (the
 * gateway routes to the first instance; the second consumes and relays).
 */
export async function startStack(
  overrides: Partial<PlatformConfig> = {},
  { consumersPerService = 1 }: StackOptions = {},
): Promise<Stack> {
  const prefix = uniquePrefix();
  const started: TestSubgraph<unknown>[] = [];
  const replicas: TestSubgraph<unknown>[] = [];
  // Replicas share their primary's database: stop them first, and never drop the database twice.
  const stopAll = async (): Promise<void> => {
    await Promise.all(replicas.map((replica) => replica.stop()));
    await Promise.all(started.map((service) => service.destroy()));
  };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const start = async (definition: SubgraphDefinition<any, any>) => {
    const service = (await startTestSubgraph(definition, prefix, overrides)) as TestSubgraph<unknown>;
    started.push(service);
    return service;
  };
  try {
    const user = await start(userSubgraph);
    const product = await start(productSubgraph);
    process.env.PRODUCT_SERVICE_URL = product.url;
    const cart = await start(cartSubgraph);
    process.env.CART_SERVICE_URL = cart.url;
    const order = await start(orderSubgraph);
    // Payment asks the order subgraph whether an order it has not heard of exists.
    process.env.ORDER_SERVICE_URL = order.url;
    const [payment, delivery] = await Promise.all([start(paymentSubgraph), start(deliverySubgraph)]);
    for (let instance = 1; instance < consumersPerService; instance++) {
      // Sequential: one at a time keeps start-up light on a shared machine.
      for (const definition of CONSUMING_SUBGRAPHS) {
        replicas.push((await startTestSubgraph(definition, prefix, overrides)) as TestSubgraph<unknown>);
      }
    }
    const base = loadGatewayConfig();
    const gateway = await startGateway({
      config: {
        ...base,
        port: 0,
        serviceUrls: Object.fromEntries(started.map((service) => [service.name, service.url])),
        // Live tracking: the gateway consumes this stack's order topic, with a group of its own.
        kafkaNamespace: order.config.kafkaNamespace,
        kafkaBrokers: order.config.kafkaBrokers,
        subscriptions: { ...base.subscriptions, instanceId: prefix },
      },
      supergraphSdl: readFileSync(join(__dirname, '..', 'schema', 'supergraph.graphql'), 'utf8'),
    });
    const signer = createTokenSigner(base.jwtSecret, '1h');
    return {
      gateway,
      user,
      product,
      cart,
      order,
      payment,
      delivery,
      replicas,
      query: (query, variables = {}, token = null) => graphql(gateway.url, query, variables, token),
      tokenFor: (userId, role = 'CUSTOMER') => signer.sign({ id: userId, role }),
      stop: async () => {
        await gateway.stop();
        await stopAll();
      },
    };
  } catch (error) {
    await Promise.all(replicas.map((replica) => replica.stop().catch(() => undefined)));
    await Promise.all(started.map((service) => service.destroy().catch(() => undefined)));
    throw error;
  }
}

export interface SignedIn {
  id: string;
  token: string;
}

/** Registers a fresh customer through the gateway. */
export async function registerCustomer(stack: Stack, name = 'customer'): Promise<SignedIn> {
  const email = `${name}.${Math.random().toString(36).slice(2, 10)}@example.com`;
  const result = await stack.query<{ register: { token: string; user: { id: string } } }>(
    `mutation ($input: RegisterInput!) { register(input: $input) { token user { id } } }`,
    { input: { email, password: 'a long password', fullName: `Test ${name}`, city: 'Moscow' } },
  );
  if (!result.data) throw new Error(`register failed: ${JSON.stringify(result.errors)}`);
  return { id: result.data.register.user.id, token: result.data.register.token };
}
