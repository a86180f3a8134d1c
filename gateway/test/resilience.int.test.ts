import { request } from 'node:http';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import {
  errorCodes,
  eventually,
  graphql,
  startStubServer,
  uniquePrefix,
  type GraphQLResponse,
  type StubBehaviour,
  type StubServer,
} from '@marketplace/platform/testing';
import { loadGatewayConfig, type GatewayConfig } from '../src/config';
import { SubgraphDataSource } from '../src/datasource';
import { startGateway, type RunningGateway } from '../src/server';
import { REACTION_MS, within } from './deadline';

/** Two stub subgraphs: `alpha` (a query, a mutation) is the one that misbehaves, `beta` stays well. */
const ALPHA_SDL = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
  type Query { alpha: String }
  type Mutation { poke: String }
`;
const BETA_SDL = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
  type Query { beta: String }
`;

const supergraphSdl = (() => {
  const result = composeServices([
    { name: 'alpha', url: 'http://127.0.0.1:1/graphql', typeDefs: parse(ALPHA_SDL) },
    { name: 'beta', url: 'http://127.0.0.1:1/graphql', typeDefs: parse(BETA_SDL) },
  ]);
  if (result.errors) throw new Error(result.errors.map((error) => error.message).join('\n'));
  return result.supergraphSdl;
})();

const healthyAlpha: StubBehaviour = ({ query }) => ({
  body: { data: query.includes('poke') ? { poke: 'poked' } : { alpha: 'a' } },
});
const failing: StubBehaviour = () => ({ status: 503, body: { errors: [{ message: 'overloaded' }] } });

let alpha: StubServer;
let beta: StubServer;
let gateway: RunningGateway | undefined;

beforeEach(async () => {
  alpha = await startStubServer(healthyAlpha);
  beta = await startStubServer(() => ({ body: { data: { beta: 'b' } } }));
});

afterEach(async () => {
  await gateway?.stop();
  gateway = undefined;
  await Promise.all([alpha.close(), beta.close()]);
});

/** A gateway in front of the stubs with short timeouts: 300 ms an attempt, two attempts for queries. */
async function startEdge(overrides: Partial<GatewayConfig> = {}): Promise<RunningGateway> {
  const config = loadGatewayConfig({
    ...process.env,
    // Many requests from one test client: the edge rate limits are not under test here.
    GATEWAY_RATE_LIMIT_PER_IP: '100000',
    GATEWAY_RATE_LIMIT_PER_USER: '100000',
  });
  gateway = await startGateway({
    supergraphSdl,
    config: {
      ...config,
      port: 0,
      redisKeyPrefix: `${uniquePrefix()}:`,
      serviceUrls: { alpha: alpha.url, beta: beta.url },
      subscriptions: { ...config.subscriptions, enabled: false },
      subgraphTimeoutMs: 300,
      serviceRetryAttempts: 2,
      serviceRetryBudgetPercent: 100,
      circuitBreakerFailures: 3,
      circuitBreakerHalfOpenMs: 500,
      ...overrides,
    },
  });
  return gateway;
}

const unavailableOn = (response: GraphQLResponse<unknown>, path: string[]): void => {
  expect(response.status).toBe(200);
  expect(response.errors).toEqual([
    expect.objectContaining({ path, extensions: expect.objectContaining({ code: 'SERVICE_UNAVAILABLE' }) }),
  ]);
  // Nothing of the subgraph's address or answer reaches the client.
  expect(JSON.stringify(response)).not.toContain('127.0.0.1');
  expect(JSON.stringify(response)).not.toContain('overloaded');
};

describe('gateway → subgraph resilience', () => {
  it('answers SERVICE_UNAVAILABLE on the path of a subgraph that hangs, keeping the rest of the result', async () => {
    const edge = await startEdge();
    alpha.behave(() => 'hang');

    const response = await within(graphql(edge.url, '{ alpha beta }'), REACTION_MS, 'the answer');

    unavailableOn(response, ['alpha']);
    expect(response.data).toEqual({ alpha: null, beta: 'b' });
    // Given up after one timeout: a slow subgraph is not asked again.
    expect(alpha.requests).toHaveLength(1);
    await within(Promise.all(alpha.requests.map((request) => request.abandoned)), REACTION_MS, 'abandoned');
  });

  it('opens the breaker: requests fail fast without reaching the subgraph, others keep working, and it closes on recovery', async () => {
    const edge = await startEdge();
    alpha.behave(failing);

    // Two queries of two attempts each: the third consecutive failure opens the breaker.
    for (let query = 0; query < 2; query += 1) unavailableOn(await graphql(edge.url, '{ alpha }'), ['alpha']);
    const reached = alpha.requests.length;
    expect(reached).toBe(3);

    unavailableOn(await graphql(edge.url, '{ alpha }'), ['alpha']);
    expect(alpha.requests).toHaveLength(reached);
    expect(await graphql(edge.url, '{ beta }')).toMatchObject({ data: { beta: 'b' } });

    alpha.behave(healthyAlpha);
    // After 500 ms a trial request goes through; its success closes the breaker.
    await eventually(async () => (await graphql(edge.url, '{ alpha }')).data?.alpha === 'a', {
      timeoutMs: REACTION_MS,
      message: 'the breaker to half-open and close',
    });
    expect(alpha.requests.length).toBeGreaterThan(reached);
    expect(await graphql(edge.url, '{ alpha beta }')).toMatchObject({ data: { alpha: 'a', beta: 'b' } });
  });

  it('answers SERVICE_UNAVAILABLE for a stopped subgraph (connection refused), the other one still answers', async () => {
    const edge = await startEdge();
    await alpha.close();

    const response = await within(graphql(edge.url, '{ alpha beta }'), REACTION_MS, 'the answer');

    unavailableOn(response, ['alpha']);
    expect(response.data).toEqual({ alpha: null, beta: 'b' });
  });

  it('retries a query once after a transient failure', async () => {
    const edge = await startEdge();
    alpha.behave((request) => (alpha.requests.length === 1 ? failing(request) : healthyAlpha(request)));

    const response = await graphql(edge.url, '{ alpha }');

    expect(response).toMatchObject({ data: { alpha: 'a' } });
    expect(response.errors).toBeUndefined();
    expect(alpha.requests).toHaveLength(2);
  });

  it('never retries a mutation', async () => {
    const edge = await startEdge();
    alpha.behave(failing);

    const response = await graphql(edge.url, 'mutation { poke }');

    unavailableOn(response, ['poke']);
    expect(alpha.requests).toHaveLength(1);
  });

  it('cancels the subgraph fetch of a client that disconnects', async () => {
    // A long timeout: only the client's disconnect can end the subgraph request in time.
    const edge = await startEdge({ subgraphTimeoutMs: 60_000 });
    alpha.behave(() => 'hang');
    // A plain socket, so the client's disconnect is exactly one closed connection.
    const client = request(edge.url, { method: 'POST', headers: { 'content-type': 'application/json' } });
    client.on('error', () => undefined);
    client.end(JSON.stringify({ query: '{ alpha }' }));
    await eventually(() => alpha.requests.length === 1, {
      timeoutMs: REACTION_MS,
      message: 'the subgraph request',
    });

    client.destroy();

    await within(alpha.requests[0].abandoned, REACTION_MS, 'the subgraph request to be aborted');
    expect(alpha.requests).toHaveLength(1);
  });

  it("passes a subgraph's 401 on as UNAUTHENTICATED with its own message, without its address or body", async () => {
    const edge = await startEdge();
    alpha.behave(() => ({
      status: 401,
      body: {
        data: null,
        errors: [
          {
            message: 'You must be signed in',
            path: ['alpha'],
            extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } },
          },
        ],
      },
    }));

    const response = await graphql(edge.url, '{ alpha beta }');

    expect(errorCodes(response)).toEqual(['UNAUTHENTICATED']);
    expect(response.errors?.[0]).toMatchObject({ message: 'You must be signed in', path: ['alpha'] });
    expect(response.data).toEqual({ alpha: null, beta: 'b' });
    expect(JSON.stringify(response)).not.toMatch(/127\.0\.0\.1|"response"|"http"/);
    expect(alpha.requests).toHaveLength(1);
  });

  it('answers FORBIDDEN for a 403 that carries no GraphQL answer, without its body', async () => {
    const edge = await startEdge();
    alpha.behave(() => ({ status: 403, body: 'denied by the proxy in front of alpha' }));

    const response = await graphql(edge.url, '{ alpha beta }');

    expect(errorCodes(response)).toEqual(['FORBIDDEN']);
    expect(response.data).toEqual({ alpha: null, beta: 'b' });
    expect(JSON.stringify(response)).not.toMatch(/127\.0\.0\.1|proxy/);
    expect(alpha.requests).toHaveLength(1);
  });
});

describe('the fast path of a fetch', () => {
  it("hands every subgraph fetch its query plan's parsed operation, so none is parsed again per request", async () => {
    const documents: boolean[] = [];
    const process = SubgraphDataSource.prototype.process;
    const spy = jest.spyOn(SubgraphDataSource.prototype, 'process').mockImplementation(function (
      this: SubgraphDataSource,
      options,
    ) {
      if ('incomingRequestContext' in options) documents.push(options.document !== undefined);
      return process.call(this, options);
    });
    try {
      const edge = await startEdge();
      for (const operation of ['{ alpha beta }', 'mutation { poke }', '{ alpha beta }'])
        expect((await graphql(edge.url, operation)).errors).toBeUndefined();
    } finally {
      spy.mockRestore();
    }
    expect(documents).toEqual([true, true, true, true, true]);
  });
});
