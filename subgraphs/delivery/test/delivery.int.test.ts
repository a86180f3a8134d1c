import { createTokenSigner, IllegalTransitionError, newId, type Role } from '@marketplace/platform';
import {
  errorCodes,
  graphql,
  pendingSchemaChanges,
  startTestSubgraph,
  type TestSubgraph,
} from '@marketplace/platform/testing';
import type { DeliveryServices } from '../src/context';
import type { NewDelivery } from '../src/delivery.service';
import { deliverySubgraph } from '../src/server';
import { DEFAULT_WAREHOUSE_ADDRESS } from '../src/settings';

const DELIVERY_FIELDS = /* GraphQL */ `
  fragment DeliveryFields on Delivery {
    id
    status
    source
    destination
    createdAt
    shippedAt
    deliveredAt
    cancelledAt
    trackingEvents {
      status
      note
      occurredAt
    }
  }
`;
const DELIVERY = /* GraphQL */ `
  query Delivery($id: ID!) {
    delivery(id: $id) {
      ...DeliveryFields
    }
  }
  ${DELIVERY_FIELDS}
`;
const DELIVERIES = /* GraphQL */ `
  query Deliveries($status: DeliveryStatus, $first: Int, $after: String) {
    deliveries(status: $status, first: $first, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        hasPreviousPage
        endCursor
      }
      edges {
        cursor
        node {
          id
          status
        }
      }
    }
  }
`;
const DISPATCH = /* GraphQL */ `
  mutation Dispatch($id: ID!) {
    dispatchDelivery(id: $id) {
      ...DeliveryFields
    }
  }
  ${DELIVERY_FIELDS}
`;
const COMPLETE = /* GraphQL */ `
  mutation Complete($id: ID!) {
    completeDelivery(id: $id) {
      ...DeliveryFields
    }
  }
  ${DELIVERY_FIELDS}
`;
const ORDER_DELIVERY = /* GraphQL */ `
  query OrderDelivery($representations: [_Any!]!) {
    _entities(representations: $representations) {
      ... on Order {
        id
        delivery {
          id
          status
          destination
        }
      }
    }
  }
`;
const DELIVERY_ENTITY = /* GraphQL */ `
  query DeliveryEntity($representations: [_Any!]!) {
    _entities(representations: $representations) {
      ... on Delivery {
        id
        status
        trackingEvents {
          status
        }
      }
    }
  }
`;

interface DeliveryView {
  id: string;
  status: string;
  source: string;
  destination: string;
  createdAt: string;
  shippedAt: string | null;
  deliveredAt: string | null;
  cancelledAt: string | null;
  trackingEvents: { status: string; note: string | null; occurredAt: string }[];
}
interface ConnectionView {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; endCursor: string | null };
  edges: { cursor: string; node: { id: string; status: string } }[];
}

let service: TestSubgraph<DeliveryServices>;
let sign: (user: { id: string; role: Role }) => string;
let admin: string;

const customer = () => {
  const id = newId();
  return { id, token: sign({ id, role: 'CUSTOMER' }) };
};
const context = () => ({ em: service.orm.em.fork() });
const createDelivery = (userId: string, overrides: Partial<NewDelivery> = {}) =>
  service.services.deliveries.createDelivery(context(), {
    orderId: newId(),
    userId,
    destination: '12 Rose St, Kazan',
    ...overrides,
  });
const deliveryById = (id: string, token: string | null) =>
  graphql<{ delivery: DeliveryView | null }>(service.url, DELIVERY, { id }, token);
const dispatch = (id: string, token: string | null = admin) =>
  graphql<{ dispatchDelivery: DeliveryView }>(service.url, DISPATCH, { id }, token);
const complete = (id: string, token: string | null = admin) =>
  graphql<{ completeDelivery: DeliveryView }>(service.url, COMPLETE, { id }, token);
const list = (variables: Record<string, unknown>, token: string | null = admin) =>
  graphql<{ deliveries: ConnectionView }>(service.url, DELIVERIES, variables, token);
const orderDelivery = (orderIds: string[], token: string | null) =>
  graphql<{ _entities: ({ id: string; delivery: { id: string; status: string } | null } | null)[] }>(
    service.url,
    ORDER_DELIVERY,
    { representations: orderIds.map((id) => ({ __typename: 'Order', id })) },
    token,
  );
const deliveryEntities = (ids: string[], token: string | null) =>
  graphql<{ _entities: ({ id: string; status: string; trackingEvents: { status: string }[] } | null)[] }>(
    service.url,
    DELIVERY_ENTITY,
    { representations: ids.map((id) => ({ __typename: 'Delivery', id })) },
    token,
  );
const storedEvents = (deliveryId: string) =>
  service.orm.em
    .getConnection()
    .execute<{ status: string }[]>(`select status from tracking_events where delivery_id = ?`, [deliveryId]);

beforeAll(async () => {
  service = await startTestSubgraph(deliverySubgraph);
  sign = createTokenSigner(service.config.jwtSecret, '1h').sign;
  admin = sign({ id: newId(), role: 'ADMIN' });
});
afterAll(() => service.destroy());

describe('delivery subgraph: creating deliveries', () => {
  it('creates a CREATED delivery from the warehouse to the normalised destination, with its first event', async () => {
    const buyer = customer();
    const created = await createDelivery(buyer.id, { destination: '  12 Rose St,\n Kazan ' });

    const result = await deliveryById(created.id, buyer.token);
    expect(result.errors).toBeUndefined();
    expect(result.data?.delivery).toMatchObject({
      id: created.id,
      status: 'CREATED',
      source: DEFAULT_WAREHOUSE_ADDRESS,
      destination: '12 Rose St, Kazan',
      shippedAt: null,
      deliveredAt: null,
      cancelledAt: null,
      trackingEvents: [{ status: 'CREATED', note: null, occurredAt: created.createdAt.toISOString() }],
    });
  });

  it('creates one delivery per order, also when the same order arrives concurrently', async () => {
    const buyer = customer();
    const orderId = newId();
    const deliveries = await Promise.all(
      Array.from({ length: 5 }, () => createDelivery(buyer.id, { orderId })),
    );
    expect(new Set(deliveries.map((delivery) => delivery.id)).size).toBe(1);
    const again = await createDelivery(buyer.id, { orderId, destination: 'Somewhere else' });
    expect(again).toMatchObject({ id: deliveries[0].id, destination: '12 Rose St, Kazan' });

    const rows = await service.orm.em
      .getConnection()
      .execute(`select id from deliveries where order_id = ?`, [orderId]);
    expect(rows).toHaveLength(1);
    expect(await storedEvents(deliveries[0].id)).toEqual([{ status: 'CREATED' }]);
  });

  it.each([
    ['a malformed order id', { orderId: 'order-1' }, 'orderId'],
    ['a malformed user id', { userId: '42' }, 'userId'],
    ['a blank destination', { destination: '   ' }, 'destination'],
  ])('refuses %s with BAD_USER_INPUT', async (_case, overrides, field) => {
    await expect(createDelivery(newId(), overrides)).rejects.toMatchObject({
      code: 'BAD_USER_INPUT',
      details: { field },
    });
  });
});

describe('delivery subgraph: reading deliveries', () => {
  it('shows a delivery to its owner and administrators only', async () => {
    const buyer = customer();
    const created = await createDelivery(buyer.id);
    expect((await deliveryById(created.id, admin)).data?.delivery?.id).toBe(created.id);
    expect(errorCodes(await deliveryById(created.id, customer().token))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await deliveryById(created.id, null))).toEqual(['UNAUTHENTICATED']);
  });

  it('answers null for an unknown delivery and BAD_USER_INPUT for a malformed id', async () => {
    const buyer = customer();
    const unknown = await deliveryById(newId(), buyer.token);
    expect(unknown.errors).toBeUndefined();
    expect(unknown.data?.delivery).toBeNull();
    const malformed = await deliveryById('not-an-id', buyer.token);
    expect(errorCodes(malformed)).toEqual(['BAD_USER_INPUT']);
    expect(malformed.errors?.[0].extensions?.field).toBe('id');
  });

  it('resolves an order’s delivery for its owner and administrators (@key Order id)', async () => {
    const buyer = customer();
    const created = await createDelivery(buyer.id);
    const own = await orderDelivery([created.orderId], buyer.token);
    expect(own.errors).toBeUndefined();
    expect(own.data?._entities).toEqual([
      {
        id: created.orderId,
        delivery: { id: created.id, status: 'CREATED', destination: '12 Rose St, Kazan' },
      },
    ]);
    expect((await orderDelivery([created.orderId], admin)).data?._entities[0]?.delivery?.id).toBe(created.id);
    expect(errorCodes(await orderDelivery([created.orderId], customer().token))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await orderDelivery([created.orderId], null))).toEqual(['UNAUTHENTICATED']);
  });

  it('answers null for an order without a delivery', async () => {
    const result = await orderDelivery([newId()], customer().token);
    expect(result.errors).toBeUndefined();
    expect(result.data?._entities[0]?.delivery).toBeNull();
  });

  it('loads the deliveries of many orders in one query', async () => {
    const buyer = customer();
    const created = await Promise.all([createDelivery(buyer.id), createDelivery(buyer.id)]);
    service.resetQueries();
    const result = await orderDelivery(
      created.map((delivery) => delivery.orderId),
      buyer.token,
    );
    expect(result.data?._entities.map((order) => order?.delivery?.id)).toEqual(created.map(({ id }) => id));
    expect(service.queries.filter((sql) => /from "deliveries"/.test(sql))).toHaveLength(1);
  });

  it('resolves a Delivery entity for its owner and refuses everyone else (@key id)', async () => {
    const buyer = customer();
    const created = await createDelivery(buyer.id);
    const own = await deliveryEntities([created.id], buyer.token);
    expect(own.data?._entities).toEqual([
      { id: created.id, status: 'CREATED', trackingEvents: [{ status: 'CREATED' }] },
    ]);
    expect((await deliveryEntities([created.id], admin)).data?._entities[0]?.id).toBe(created.id);
    expect(errorCodes(await deliveryEntities([created.id], customer().token))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await deliveryEntities([created.id], null))).toEqual(['UNAUTHENTICATED']);
  });

  it('resolves many Delivery references and their events with one query each, unknown ones as null', async () => {
    const buyer = customer();
    const [first, second] = await Promise.all([createDelivery(buyer.id), createDelivery(buyer.id)]);
    service.resetQueries();
    const result = await deliveryEntities([second.id, newId(), first.id, 'nope'], buyer.token);
    expect(result.errors).toBeUndefined();
    expect(result.data?._entities.map((delivery) => delivery?.id ?? null)).toEqual([
      second.id,
      null,
      first.id,
      null,
    ]);
    expect(service.queries.filter((sql) => /from "deliveries"/.test(sql))).toHaveLength(1);
    expect(service.queries.filter((sql) => /from "tracking_events"/.test(sql))).toHaveLength(1);
  });
});

describe('delivery subgraph: dispatching and completing', () => {
  it('dispatches and completes a delivery, stamping each step and recording it', async () => {
    const created = await createDelivery(customer().id);

    const dispatched = await dispatch(created.id);
    expect(dispatched.errors).toBeUndefined();
    const inTransit = dispatched.data!.dispatchDelivery;
    expect(inTransit).toMatchObject({ status: 'IN_TRANSIT', deliveredAt: null });
    expect(Date.parse(inTransit.shippedAt!)).toBeGreaterThanOrEqual(created.createdAt.getTime());
    expect(inTransit.trackingEvents.map((event) => event.status)).toEqual(['CREATED', 'IN_TRANSIT']);

    const completed = await complete(created.id);
    expect(completed.errors).toBeUndefined();
    const delivered = completed.data!.completeDelivery;
    expect(delivered).toMatchObject({ status: 'DELIVERED', shippedAt: inTransit.shippedAt });
    expect(Date.parse(delivered.deliveredAt!)).toBeGreaterThanOrEqual(Date.parse(inTransit.shippedAt!));
    expect(delivered.trackingEvents.map((event) => event.status)).toEqual([
      'CREATED',
      'IN_TRANSIT',
      'DELIVERED',
    ]);
  });

  it('lets only administrators dispatch or complete, even the delivery’s owner may not', async () => {
    const buyer = customer();
    const created = await createDelivery(buyer.id);
    expect(errorCodes(await dispatch(created.id, buyer.token))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await complete(created.id, buyer.token))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await dispatch(created.id, null))).toEqual(['UNAUTHENTICATED']);
    expect((await deliveryById(created.id, buyer.token)).data?.delivery?.status).toBe('CREATED');
  });

  it('refuses an illegal transition with ILLEGAL_TRANSITION and a clear message, leaving the delivery as it was', async () => {
    const created = await createDelivery(customer().id);
    const early = await complete(created.id);
    expect(errorCodes(early)).toEqual(['BAD_USER_INPUT']);
    expect(early.errors?.[0].message).toBe(
      'A CREATED delivery cannot become DELIVERED (it can become IN_TRANSIT or CANCELLED)',
    );
    expect(early.errors?.[0].extensions).toMatchObject({
      reason: 'ILLEGAL_TRANSITION',
      status: 'CREATED',
      requestedStatus: 'DELIVERED',
    });
    const unchanged = (await deliveryById(created.id, admin)).data?.delivery;
    expect(unchanged).toMatchObject({ status: 'CREATED', deliveredAt: null });
    expect(unchanged?.trackingEvents).toHaveLength(1);

    await dispatch(created.id);
    await complete(created.id);
    const late = await dispatch(created.id);
    expect(errorCodes(late)).toEqual(['BAD_USER_INPUT']);
    expect(late.errors?.[0].message).toContain('A DELIVERED delivery cannot become IN_TRANSIT');
  });

  it('answers NOT_FOUND for an unknown delivery and BAD_USER_INPUT for a malformed id', async () => {
    expect(errorCodes(await dispatch(newId()))).toEqual(['NOT_FOUND']);
    expect(errorCodes(await complete(newId()))).toEqual(['NOT_FOUND']);
    const malformed = await dispatch('42');
    expect(errorCodes(malformed)).toEqual(['BAD_USER_INPUT']);
    expect(malformed.errors?.[0].extensions?.field).toBe('id');
  });

  it('lets exactly one of several concurrent dispatches of a delivery succeed', async () => {
    const created = await createDelivery(customer().id);
    const results = await Promise.all(Array.from({ length: 8 }, () => dispatch(created.id)));
    const codes = results.map((result) => errorCodes(result)[0] ?? 'OK');
    expect(codes.filter((code) => code === 'OK')).toHaveLength(1);
    expect(codes.filter((code) => code === 'BAD_USER_INPUT')).toHaveLength(7);
    expect((await storedEvents(created.id)).map((event) => event.status).sort()).toEqual([
      'CREATED',
      'IN_TRANSIT',
    ]);
  });

  it('keeps a second event for the same status out of the database itself', async () => {
    const created = await createDelivery(customer().id);
    await expect(
      service.orm.em
        .getConnection()
        .execute(
          `insert into tracking_events (id, delivery_id, status, occurred_at) values (?, ?, 'CREATED', now())`,
          [newId(), created.id],
        ),
    ).rejects.toThrow(/tracking_events_delivery_id_status_unique/);
  });

  it('cancels an undispatched delivery for its order, and refuses once it has been dispatched', async () => {
    const waiting = await createDelivery(customer().id);
    const cancelled = await service.services.deliveries.cancelForOrder(
      context(),
      waiting.orderId,
      'Order cancelled by the customer',
    );
    expect(cancelled).toMatchObject({ id: waiting.id, status: 'CANCELLED', cancelledAt: expect.any(Date) });
    const events = (await deliveryById(waiting.id, admin)).data?.delivery?.trackingEvents;
    expect(events?.map(({ status, note }) => [status, note])).toEqual([
      ['CREATED', null],
      ['CANCELLED', 'Order cancelled by the customer'],
    ]);

    const shipped = await createDelivery(customer().id);
    await dispatch(shipped.id);
    await expect(service.services.deliveries.cancelForOrder(context(), shipped.orderId)).rejects.toThrow(
      IllegalTransitionError,
    );
    expect(await service.services.deliveries.cancelForOrder(context(), newId())).toBeNull();
  });
});

describe('delivery subgraph: listing deliveries', () => {
  it('lists deliveries newest first in pages, for administrators', async () => {
    const created = [];
    for (let index = 0; index < 3; index++) created.push(await createDelivery(customer().id));
    const [total] = await service.orm.em
      .getConnection()
      .execute<{ count: string }[]>(`select count(*) from deliveries`);

    // Newest first; deliveries created within one millisecond are ordered by id.
    const newestFirst = [...created]
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (b.id > a.id ? 1 : -1))
      .map(({ id }) => id);

    const first = (await list({ first: 2 })).data?.deliveries;
    expect(first?.totalCount).toBe(Number(total.count));
    expect(first?.edges.map(({ node }) => node.id)).toEqual(newestFirst.slice(0, 2));
    expect(first?.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });

    const second = (await list({ first: 1, after: first!.pageInfo.endCursor })).data?.deliveries;
    expect(second?.edges.map(({ node }) => node.id)).toEqual(newestFirst.slice(2));
    expect(second?.pageInfo.hasPreviousPage).toBe(true);
  });

  it('filters deliveries by status', async () => {
    const created = await createDelivery(customer().id);
    await dispatch(created.id);
    const [inTransit] = await service.orm.em
      .getConnection()
      .execute<{ count: string }[]>(`select count(*) from deliveries where status = 'IN_TRANSIT'`);

    const result = (await list({ status: 'IN_TRANSIT', first: 100 })).data?.deliveries;
    expect(result?.totalCount).toBe(Number(inTransit.count));
    expect(result?.edges[0].node).toEqual({ id: created.id, status: 'IN_TRANSIT' });
    expect(result?.edges.every(({ node }) => node.status === 'IN_TRANSIT')).toBe(true);
  });

  it('refuses the list to customers and anonymous callers', async () => {
    expect(errorCodes(await list({}, customer().token))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await list({}, null))).toEqual(['UNAUTHENTICATED']);
  });

  it.each([
    ['a malformed cursor', { after: 'nonsense' }, 'after'],
    ['a page size of 0', { first: 0 }, 'first'],
    ['a page size over 100', { first: 101 }, 'first'],
  ])('refuses %s with BAD_USER_INPUT', async (_case, variables, field) => {
    const result = await list(variables);
    expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
    expect(result.errors?.[0].extensions?.field).toBe(field);
  });

  it('refuses an unknown status with BAD_USER_INPUT', async () => {
    expect(errorCodes(await list({ status: 'LOST' }))).toEqual(['BAD_USER_INPUT']);
  });
});

describe('delivery subgraph: schema', () => {
  it('keeps the database schema in step with the entities', async () => {
    expect(await pendingSchemaChanges(service.orm)).toBe('');
  });
});
