import { ServiceClient } from '@marketplace/platform';
import { ProductCatalog } from './product-catalog.client';

const ROSE = '0b5c7c1e-6a0a-4f7e-9a51-1f6f5b7e2f10';
const TULIP = '1c6d8d2f-7b1b-4f8f-8b62-2f7f6c8f3f21';
const UNKNOWN = '2d7e9e3f-8c2c-4f9f-9c73-3f8f7d9f4f32';

function fakeClient() {
  const request = jest.fn(
    async (_query: string, variables: Record<string, unknown>, _authorization?: string | null) => {
      const representations = variables.representations as { id: string }[];
      return {
        _entities: representations.map(({ id }) =>
          id === UNKNOWN
            ? null
            : {
                id,
                name: id === ROSE ? 'Rose' : 'Tulip',
                price: { amount: id === ROSE ? 10000 : 2500, currency: 'RUB' },
                stock: { available: 7 },
              },
        ),
      };
    },
  );
  // A real client whose HTTP request is replaced: its `entities` builds the query under test.
  const client = new ServiceClient({
    service: 'product',
    url: 'http://product.invalid/graphql',
    config: {
      serviceTimeoutMs: 1_000,
      serviceRetryAttempts: 1,
      serviceRetryBudgetPercent: 0,
      circuitBreakerFailures: 5,
      circuitBreakerHalfOpenMs: 1_000,
    },
  });
  client.request = request as unknown as ServiceClient['request'];
  return { request, client };
}

describe('ProductCatalog', () => {
  it('asks for product representations and maps them in key order, null for unknown ids', async () => {
    const { request, client } = fakeClient();
    const products = await new ProductCatalog(client).fetch([TULIP, UNKNOWN, ROSE], 'Bearer token');

    expect(products).toEqual([
      { id: TULIP, name: 'Tulip', price: { amount: 2500, currency: 'RUB' }, available: 7 },
      null,
      { id: ROSE, name: 'Rose', price: { amount: 10000, currency: 'RUB' }, available: 7 },
    ]);
    expect(request).toHaveBeenCalledTimes(1);
    const [query, variables, authorization] = request.mock.calls[0];
    expect(query).toContain('_entities');
    expect(variables).toEqual({
      representations: [TULIP, UNKNOWN, ROSE].map((id) => ({ __typename: 'Product', id })),
    });
    expect(authorization).toBe('Bearer token');
  });

  it('batches every load of one tick into one call, forwarding the authorization', async () => {
    const { request, client } = fakeClient();
    const loader = new ProductCatalog(client).createLoader('Bearer abc');

    const [rose, tulip, again] = await Promise.all([
      loader.load(ROSE),
      loader.load(TULIP),
      loader.load(ROSE),
    ]);
    expect([rose?.name, tulip?.name, again?.name]).toEqual(['Rose', 'Tulip', 'Rose']);
    expect(request).toHaveBeenCalledTimes(1);
    expect(request.mock.calls[0][2]).toBe('Bearer abc');

    await loader.load(ROSE); // cached for the rest of the request
    expect(request).toHaveBeenCalledTimes(1);
  });

  it('makes no call for no ids', async () => {
    const { request, client } = fakeClient();
    expect(await new ProductCatalog(client).fetch([], null)).toEqual([]);
    expect(request).not.toHaveBeenCalled();
  });
});
