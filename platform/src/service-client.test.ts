import { GraphQLError } from 'graphql';
import { withRequestId } from './request-id';
import { ServiceClient, type ServiceCallConfig } from './service-client';
import { startStubServer, within, type StubServer } from './testing';

const READ = 'query Stock($id: ID!) { product(id: $id) { id } }';
const WRITE = 'mutation Touch($id: ID!) { touch(id: $id) }';
const ANSWER = { body: { data: { product: { id: 'p1' } } } };
const FAILURE = { status: 503, body: { errors: [{ message: 'down' }] } };

const config: ServiceCallConfig = {
  serviceTimeoutMs: 200,
  serviceRetryAttempts: 2,
  serviceRetryBudgetPercent: 100,
  circuitBreakerFailures: 4,
  circuitBreakerHalfOpenMs: 300,
};

let stub: StubServer;
let client: ServiceClient;

beforeEach(async () => {
  stub = await startStubServer(() => ANSWER);
  client = new ServiceClient({ service: 'product', url: stub.url, config });
});

afterEach(() => stub.close());

/** The code of the GraphQL error `promise` rejects with. */
const codeOf = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => 'resolved',
    (error: unknown) => (error instanceof GraphQLError ? error.extensions.code : error),
  );

describe('ServiceClient', () => {
  it('retries a read once when the callee fails, and answers its data', async () => {
    stub.behave(() => (stub.requests.length === 1 ? FAILURE : ANSWER));
    await expect(client.request(READ, { id: 'p1' })).resolves.toEqual({ product: { id: 'p1' } });
    expect(stub.requests).toHaveLength(2);
  });

  it('sends the request id of the operation it is called for, so the callee logs under it', async () => {
    await withRequestId('req-42', () => client.request(READ, { id: 'p1' }));
    await client.request(READ, { id: 'p1' });
    expect(stub.requests.map((request) => request.headers['x-request-id'])).toEqual(['req-42', undefined]);
  });

  it('never repeats a mutation', async () => {
    stub.behave(() => FAILURE);
    expect(await codeOf(client.request(WRITE, { id: 'p1' }))).toBe('SERVICE_UNAVAILABLE');
    expect(stub.requests).toHaveLength(1);
  });

  it('times a hanging call out once, without a retry, and answers SERVICE_UNAVAILABLE', async () => {
    stub.behave(() => 'hang');
    expect(await within(codeOf(client.request(READ, { id: 'p1' })), 5_000, 'the answer')).toBe(
      'SERVICE_UNAVAILABLE',
    );
    expect(stub.requests).toHaveLength(1);
    await within(Promise.all(stub.requests.map((request) => request.abandoned)), 5_000, 'abandoned requests');
  });

  it('re-raises the callee’s client error without retrying it', async () => {
    stub.behave(() => ({
      body: {
        data: null,
        errors: [{ message: 'Product p9 was not found', extensions: { code: 'NOT_FOUND' } }],
      },
    }));
    expect(await codeOf(client.request(READ, { id: 'p9' }))).toBe('NOT_FOUND');
    expect(stub.requests).toHaveLength(1);
  });

  it('opens the breaker after repeated failures, fails fast without calling, then closes on recovery', async () => {
    stub.behave(() => FAILURE);
    // Two calls of two attempts: four consecutive failures open the breaker.
    for (let call = 0; call < 2; call += 1) {
      expect(await codeOf(client.request(READ, { id: 'p1' }))).toBe('SERVICE_UNAVAILABLE');
    }
    const reached = stub.requests.length;
    expect(await codeOf(client.request(READ, { id: 'p1' }))).toBe('SERVICE_UNAVAILABLE');
    expect(stub.requests).toHaveLength(reached);

    stub.behave(() => ANSWER);
    // Half-open after 300 ms: the trial call reaches the callee and closes the breaker.
    const answered = async (): Promise<unknown> => {
      for (;;) {
        const result = await client.request(READ, { id: 'p1' }).catch(() => undefined);
        if (result) return result;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };
    await expect(within(answered(), 5_000, 'the breaker to close')).resolves.toEqual({
      product: { id: 'p1' },
    });
    expect(stub.requests.length).toBeGreaterThan(reached);
  });

  it('abandons the call when the caller’s own request is aborted', async () => {
    stub.behave(() => 'hang');
    const caller = new AbortController();
    const pending = client.request(READ, { id: 'p1' }, null, caller.signal).catch((error: unknown) => error);
    const slow = new ServiceClient({
      service: 'product',
      url: stub.url,
      config: { ...config, serviceTimeoutMs: 30_000 },
    });
    const slowPending = slow
      .request(READ, { id: 'p1' }, null, caller.signal)
      .catch((error: unknown) => error);
    await within(
      (async () => {
        while (stub.requests.length < 2) await new Promise((resolve) => setTimeout(resolve, 10));
      })(),
      5_000,
      'both requests to arrive',
    );
    caller.abort();
    await within(Promise.all(stub.requests.map((request) => request.abandoned)), 5_000, 'abandoned requests');
    await Promise.all([pending, slowPending]);
    // An abort is the caller leaving, not the callee failing: no retry.
    expect(stub.requests).toHaveLength(2);
  });

  it('paces every HTTP call through its limiter', async () => {
    const acquire = jest.fn(async () => undefined);
    const limited = new ServiceClient({ service: 'product', url: stub.url, config, limiter: { acquire } });
    stub.behave(() => (stub.requests.length === 1 ? FAILURE : ANSWER));
    await limited.request(READ, { id: 'p1' });
    expect(acquire).toHaveBeenCalledTimes(2);
  });
});
