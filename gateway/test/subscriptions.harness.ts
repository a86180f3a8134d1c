import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { composeServices } from '@apollo/composition';
import { Kind, parse, print } from 'graphql';
import type { Producer } from 'kafkajs';
import {
  createEvent,
  createKafka,
  createLogger,
  createTokenSigner,
  namespaced,
  TOPICS,
  type IntegrationEvent,
  type OrderStatusChangedV1,
  type Role,
} from '@marketplace/platform';
import { graphql, startTestSubgraph, uniquePrefix, type TestSubgraph } from '@marketplace/platform/testing';
import { deliverySubgraph } from '../../subgraphs/delivery/src/server';
import { orderSubgraph } from '../../subgraphs/order/src/server';
import { paymentSubgraph } from '../../subgraphs/payment/src/server';
import { productSubgraph } from '../../subgraphs/product/src/server';
import { loadGatewayConfig, type GatewayConfig, type SubscriptionConfig } from '../src/config';
import { startGateway, type RunningGateway } from '../src/server';

export * from './ws-client';

/**
 * The order subgraph's subscription contract (DESIGN.md §3), appended to its SDL when the code does
 * not declare it yet, so these tests run against the contract either way.
 */
const SUBSCRIPTION_CONTRACT = `
type OrderStatusEvent {
  eventId: ID!
  orderId: ID!
  status: OrderStatus!
  previousStatus: OrderStatus
  version: Int!
  occurredAt: DateTime!
  reason: CancellationReason
  order: Order
}
type Subscription {
  orderStatusChanged(orderId: ID!): OrderStatusEvent!
  myOrderUpdates: OrderStatusEvent!
}
`;

function sdlOf(name: string, subscriptions: boolean): string {
  const sdl = readFileSync(join(__dirname, '..', '..', 'subgraphs', name, 'src', 'schema.graphql'), 'utf8');
  if (name !== 'order') return sdl;
  const withContract = /\btype Subscription\b/.test(sdl) ? sdl : sdl + SUBSCRIPTION_CONTRACT;
  if (subscriptions) return withContract;
  const document = parse(withContract);
  return print({
    ...document,
    definitions: document.definitions.filter(
      (definition) =>
        !(definition.kind === Kind.OBJECT_TYPE_DEFINITION && definition.name.value === 'Subscription'),
    ),
  });
}

type Services<T> = T extends { createServices(...args: never[]): infer S } ? S : never;

export interface OrderLine {
  productId: string;
  productName: string;
  quantity: number;
  unitPriceAmount: number;
}

export interface SubscriptionFixture {
  prefix: string;
  order: TestSubgraph<Services<typeof orderSubgraph>>;
  payment: TestSubgraph<Services<typeof paymentSubgraph>>;
  delivery: TestSubgraph<Services<typeof deliverySubgraph>>;
  product: TestSubgraph<Services<typeof productSubgraph>>;
  supergraphSdl: string;
  /** The same supergraph without the `Subscription` type. */
  supergraphWithoutSubscriptions: string;
  /** Starts a gateway on the test supergraph and namespace; stopped by `stop()`. */
  startGateway(
    subscriptions?: Partial<SubscriptionConfig>,
    overrides?: Partial<GatewayConfig>,
  ): Promise<RunningGateway>;
  tokenFor(userId: string, role?: Role, expiresIn?: string): string;
  /** A product of the demo catalog, as an order line. */
  line(quantity?: number): Promise<OrderLine>;
  /** Creates a PENDING order (version 1) through the order service. */
  createOrder(userId: string): Promise<{ id: string; line: OrderLine }>;
  /** Produces an `OrderStatusChanged` to the order topic (keyed by order id); returns it. */
  publish(
    fields: { orderId: string; version: number; eventId?: string } & Partial<OrderStatusChangedV1> &
      Pick<OrderStatusChangedV1, 'userId'>,
  ): Promise<IntegrationEvent<'OrderStatusChanged', OrderStatusChangedV1>>;
  /** Produces an arbitrary raw message to the order topic. */
  publishRaw(key: string, value: string): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Product, order, payment and delivery subgraphs with fresh databases, and a supergraph over them.
 * The services run without their saga workers (outbox relays, consumers, jobs): nothing moves an
 * order or publishes to the topic except the test itself, so every event a test expects is one it
 * produced — directly, or by starting a relay over the order outbox.
 */
export async function startSubscriptionFixture(): Promise<SubscriptionFixture> {
  const prefix = uniquePrefix();
  const [product, order, payment, delivery] = await Promise.all([
    startTestSubgraph({ ...productSubgraph, workers: undefined }, prefix),
    startTestSubgraph({ ...orderSubgraph, workers: undefined }, prefix),
    startTestSubgraph({ ...paymentSubgraph, workers: undefined }, prefix),
    startTestSubgraph({ ...deliverySubgraph, workers: undefined }, prefix),
  ]);
  const subgraphs = { product, order, payment, delivery };
  const compose = (subscriptions: boolean): string => {
    const composed = composeServices(
      Object.entries(subgraphs).map(([name, service]) => ({
        name,
        url: service.url,
        typeDefs: parse(sdlOf(name, subscriptions)),
      })),
    );
    if (composed.errors) throw new Error(composed.errors.map((error) => error.message).join('\n'));
    return composed.supergraphSdl;
  };
  const supergraphSdl = compose(true);
  const base = loadGatewayConfig();
  const config = { ...order.config };
  const kafka = createKafka(config, createLogger('subscription-test', 'silent'), 'subscription-test');
  const topic = namespaced(config, TOPICS.order);
  let producer: Producer | undefined;
  const send = async (key: string, value: string): Promise<void> => {
    if (!producer) {
      producer = kafka.producer();
      await producer.connect();
    }
    await producer.send({ topic, acks: -1, messages: [{ key, value }] });
  };
  const gateways: RunningGateway[] = [];
  let lines: OrderLine[] | undefined;

  const fixture: SubscriptionFixture = {
    prefix,
    ...subgraphs,
    supergraphSdl,
    supergraphWithoutSubscriptions: compose(false),
    startGateway: async (subscriptions = {}, overrides = {}) => {
      const gateway = await startGateway({
        config: {
          ...base,
          port: 0,
          kafkaNamespace: config.kafkaNamespace,
          ...overrides,
          subscriptions: { ...base.subscriptions, instanceId: uniquePrefix(), ...subscriptions },
        },
        // A gateway given a supergraph file watches it (hot reload) instead.
        supergraphSdl: overrides.supergraphPath ? undefined : supergraphSdl,
      });
      gateways.push(gateway);
      return gateway;
    },
    tokenFor: (userId, role = 'CUSTOMER', expiresIn = '1h') =>
      createTokenSigner(base.jwtSecret, expiresIn).sign({ id: userId, role }),
    line: async (quantity = 1) => {
      if (!lines) {
        const result = await graphql<{
          products: { edges: { node: { id: string; name: string; price: { amount: number } } }[] };
        }>(product.url, '{ products(first: 5) { edges { node { id name price { amount } } } } }');
        lines = (result.data?.products.edges ?? []).map(({ node }) => ({
          productId: node.id,
          productName: node.name,
          quantity: 1,
          unitPriceAmount: node.price.amount,
        }));
        if (lines.length === 0) throw new Error(`no demo products: ${JSON.stringify(result.errors)}`);
      }
      return { ...lines[0], quantity };
    },
    createOrder: async (userId) => {
      const line = await fixture.line();
      const { order: created } = await order.services.orders.createOrder(
        { em: order.orm.em.fork() },
        { userId, shippingAddress: '1 Test Street, Moscow', idempotencyKey: null, lines: [line] },
      );
      return { id: created.id, line };
    },
    publish: async ({ orderId, version, eventId, userId, status = 'AWAITING_PAYMENT', ...rest }) => {
      const event = createEvent({
        type: 'OrderStatusChanged' as const,
        orderId,
        version,
        source: 'order',
        payload: { userId, status, previousStatus: rest.previousStatus ?? null, reason: rest.reason ?? null },
      });
      if (eventId) event.eventId = eventId;
      await send(orderId, JSON.stringify(event));
      return event;
    },
    publishRaw: send,
    stop: async () => {
      await Promise.all(gateways.map((gateway) => gateway.stop()));
      await producer?.disconnect();
      await Promise.all(Object.values(subgraphs).map((service) => service.destroy()));
    },
  };
  return fixture;
}
