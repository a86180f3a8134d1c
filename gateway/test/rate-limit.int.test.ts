import { request as httpRequest } from 'node:http';
import { connect as connectTcp } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import WebSocket from 'ws';
import { createTokenSigner } from '@marketplace/platform';
import {
  errorCodes,
  eventually,
  graphql,
  startTestSubgraph,
  uniquePrefix,
  within,
  type GraphQLResponse,
  type TestSubgraph,
} from '@marketplace/platform/testing';
import { userSubgraph } from '../../subgraphs/user/src/server';
import { loadGatewayConfig, type GatewayConfig } from '../src/config';
import type { AbuseCaps, RateLimitConfig } from '../src/rate-limit';
import { startGateway, type RunningGateway } from '../src/server';
import { connect, errorCodesOf, subscribe, wsUrl, type Socket } from './ws-client';

/** User (for logins) and order (for its `Subscription` type; never called here) composed. */
function supergraph(userUrl: string): string {
  const sdl = (name: string): string =>
    readFileSync(join(__dirname, '..', '..', 'subgraphs', name, 'src', 'schema.graphql'), 'utf8');
  const result = composeServices([
    { name: 'user', url: userUrl, typeDefs: parse(sdl('user')) },
    { name: 'order', url: 'http://127.0.0.1:1/graphql', typeDefs: parse(sdl('order')) },
  ]);
  if (result.errors) throw new Error(result.errors.map((error) => error.message).join('\n'));
  return result.supergraphSdl;
}

const base = loadGatewayConfig();
/** Budgets no test reaches unless it lowers one (the test environment raises the defaults). */
const UNLIMITED: RateLimitConfig = {
  trustedProxyHops: 0,
  perIpPerMinute: 0,
  perUserPerMinute: 0,
  authPerIpPerMinute: 0,
  loginFailuresPerAccount: 0,
  loginFailuresPerIp: 0,
  loginBlockSeconds: 1,
};

let user: TestSubgraph<unknown>;
let supergraphSdl: string;
const gateways: RunningGateway[] = [];
const sockets: Socket[] = [];

interface EdgeOverrides {
  rateLimits?: Partial<RateLimitConfig>;
  caps?: Partial<AbuseCaps>;
  redisUrl?: string;
  /** Gateways given the same prefix share their budgets, like replicas. */
  redisKeyPrefix?: string;
  subscriptions?: boolean;
}

async function gatewayWith(overrides: EdgeOverrides = {}): Promise<RunningGateway> {
  const config: GatewayConfig = {
    ...base,
    port: 0,
    redisUrl: overrides.redisUrl ?? base.redisUrl,
    redisKeyPrefix: overrides.redisKeyPrefix ?? `${uniquePrefix()}:`,
    kafkaNamespace: `${uniquePrefix()}.`,
    rateLimits: { ...UNLIMITED, ...overrides.rateLimits },
    caps: { ...base.caps, ...overrides.caps },
    subscriptions: {
      ...base.subscriptions,
      enabled: overrides.subscriptions ?? false,
      instanceId: uniquePrefix(),
    },
  };
  const gateway = await startGateway({ config, supergraphSdl });
  gateways.push(gateway);
  return gateway;
}

beforeAll(async () => {
  user = (await startTestSubgraph(userSubgraph)) as TestSubgraph<unknown>;
  supergraphSdl = supergraph(user.url);
}, 30_000);

afterAll(async () => {
  for (const socket of sockets) await socket.client.dispose();
  await Promise.all(gateways.map((gateway) => gateway.stop()));
  await user.destroy();
});

const LOGIN =
  'mutation SignIn($email: String!, $password: String!) { login(email: $email, password: $password) { token } }';

async function register(gateway: RunningGateway, email: string, password: string): Promise<void> {
  const result = await graphql(
    gateway.url,
    'mutation($input: RegisterInput!) { register(input: $input) { token } }',
    { input: { email, password, fullName: 'Rate Limited' } },
  );
  expect(result.errors).toBeUndefined();
}

/** A POST whose answer keeps its headers, for `Retry-After`. */
async function post(
  url: string,
  body: unknown,
): Promise<{ status: number; retryAfter: string | null; body: GraphQLResponse }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return {
    status: response.status,
    retryAfter: response.headers.get('retry-after'),
    body: { ...((await response.json()) as GraphQLResponse), status: response.status },
  };
}

function expectRateLimited(answer: {
  status: number;
  retryAfter: string | null;
  body: GraphQLResponse;
}): void {
  expect(answer.status).toBe(429);
  expect(Number(answer.retryAfter)).toBeGreaterThanOrEqual(1);
  expect(errorCodes(answer.body)).toEqual(['RATE_LIMITED']);
  expect(answer.body.errors?.[0]?.extensions?.retryAfterSeconds).toBe(Number(answer.retryAfter));
}

describe('login brute force', () => {
  it('blocks an account after failed logins in a row, then lets the right password in again', async () => {
    const gateway = await gatewayWith({ rateLimits: { loginFailuresPerAccount: 3, loginBlockSeconds: 1 } });
    await register(gateway, 'brute@example.com', 'the right password');
    const login = (email: string, password: string) =>
      post(gateway.url, { query: LOGIN, variables: { email, password } });

    for (const email of ['brute@example.com', ' Brute@Example.com', 'BRUTE@example.com']) {
      expect(errorCodes((await login(email, 'a wrong guess')).body)).toEqual(['UNAUTHENTICATED']);
    }
    expectRateLimited(await login('brute@example.com', 'the right password'));

    const signedIn = await eventually(
      async () => {
        const answer = await login('brute@example.com', 'the right password');
        return answer.status === 200 && answer.body.errors === undefined && answer.body;
      },
      { timeoutMs: 5_000, intervalMs: 200, message: 'the block to end' },
    );
    expect(signedIn.data).toMatchObject({ login: { token: expect.any(String) } });

    // The success ended the run: two more failures do not block the account.
    for (let attempt = 0; attempt < 2; attempt += 1) await login('brute@example.com', 'a wrong guess');
    expect((await login('brute@example.com', 'the right password')).status).toBe(200);
  });

  it('finds logins behind aliases and fragments, whatever the operation is called', async () => {
    const gateway = await gatewayWith({
      rateLimits: { authPerIpPerMinute: 5, loginFailuresPerAccount: 1, loginBlockSeconds: 60 },
    });
    const sneaky = await post(gateway.url, {
      query: `mutation Innocent { ...Sneaky }
        fragment Sneaky on Mutation { me: login(email: "alias@example.com", password: "a guess") { token } }`,
    });
    expect(errorCodes(sneaky.body)).toEqual(['UNAUTHENTICATED']);
    expectRateLimited(
      await post(gateway.url, { query: LOGIN, variables: { email: 'alias@example.com', password: 'x' } }),
    );
    // Each alias spends the budget: five more logins in one request are over it.
    const aliases = [1, 2, 3, 4, 5]
      .map((guess) => `g${guess}: login(email: "other${guess}@example.com", password: "x") { token }`)
      .join(' ');
    expectRateLimited(await post(gateway.url, { query: `mutation Harmless { ${aliases} }` }));
  });

  it('blocks an IP that fails logins for many accounts', async () => {
    const gateway = await gatewayWith({ rateLimits: { loginFailuresPerIp: 3, loginBlockSeconds: 60 } });
    for (const email of ['a@example.com', 'b@example.com', 'c@example.com']) {
      await post(gateway.url, { query: LOGIN, variables: { email, password: 'a wrong guess' } });
    }
    expectRateLimited(
      await post(gateway.url, { query: LOGIN, variables: { email: 'd@example.com', password: 'x' } }),
    );
  });
});

describe('request budgets', () => {
  it('shares the per-IP budget between two gateways through Redis', async () => {
    const redisKeyPrefix = `${uniquePrefix()}:`;
    const first = await gatewayWith({ redisKeyPrefix, rateLimits: { perIpPerMinute: 5 } });
    const second = await gatewayWith({ redisKeyPrefix, rateLimits: { perIpPerMinute: 5 } });
    for (const gateway of [first, second, first, second, first]) {
      expect((await post(gateway.url, { query: '{ __typename }' })).status).toBe(200);
    }
    expectRateLimited(await post(second.url, { query: '{ __typename }' }));
    expectRateLimited(await post(first.url, { query: '{ __typename }' }));
  });

  it('limits a signed-in user per minute', async () => {
    const gateway = await gatewayWith({ rateLimits: { perUserPerMinute: 2 } });
    const token = createTokenSigner(base.jwtSecret, '1h').sign({ id: 'user-1', role: 'CUSTOMER' });
    const query = (): Promise<GraphQLResponse> => graphql(gateway.url, '{ __typename }', {}, token);
    expect((await query()).status).toBe(200);
    expect((await query()).status).toBe(200);
    const refused = await query();
    expect(refused.status).toBe(429);
    expect(errorCodes(refused)).toEqual(['RATE_LIMITED']);
    expect((await graphql(gateway.url, '{ __typename }')).status).toBe(200);
  });

  it('gives login and register a stricter per-IP budget', async () => {
    const gateway = await gatewayWith({ rateLimits: { authPerIpPerMinute: 2 } });
    for (const email of ['one@example.com', 'two@example.com']) {
      await post(gateway.url, { query: LOGIN, variables: { email, password: 'a password' } });
    }
    const registration = {
      query:
        'mutation { register(input: { email: "three@example.com", password: "long password", fullName: "T" }) { token } }',
    };
    expectRateLimited(await post(gateway.url, registration));
    expect((await post(gateway.url, { query: '{ __typename }' })).status).toBe(200);
  });

  it('lets requests through while Redis is unreachable', async () => {
    const gateway = await gatewayWith({
      redisUrl: 'redis://127.0.0.1:1',
      rateLimits: { perIpPerMinute: 1, authPerIpPerMinute: 1, loginFailuresPerAccount: 1 },
    });
    for (let request = 0; request < 3; request += 1) {
      const answer = await post(gateway.url, {
        query: LOGIN,
        variables: { email: 'down@example.com', password: 'x' },
      });
      expect(answer.status).toBe(200);
      expect(errorCodes(answer.body)).toEqual(['UNAUTHENTICATED']);
    }
  });
});

describe('request bodies', () => {
  const limit = 10_000;
  const oversized = { query: '{ __typename }', variables: { padding: 'x'.repeat(limit) } };

  it('answers 413 with a JSON error for a body over GATEWAY_MAX_BODY_BYTES', async () => {
    const gateway = await gatewayWith({ caps: { maxBodyBytes: limit } });
    const answer = await post(gateway.url, oversized);
    expect(answer.status).toBe(413);
    expect(errorCodes(answer.body)).toEqual(['BAD_REQUEST']);
    expect((await post(gateway.url, { query: '{ __typename }' })).status).toBe(200);
  });

  it('answers 413 to a chunked body once it passes the limit, while the client is still sending', async () => {
    const gateway = await gatewayWith({ caps: { maxBodyBytes: limit } });
    const status = await new Promise<number>((resolve, reject) => {
      const request = httpRequest(gateway.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
      });
      request.on('response', (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      });
      request.on('error', reject);
      request.write(JSON.stringify(oversized));
      // Never ends the body: the answer must not wait for it.
    });
    expect(status).toBe(413);
  });
});

describe('slow clients', () => {
  it('answers 408 and closes a connection whose headers do not arrive in time', async () => {
    const gateway = await gatewayWith({ caps: { headersTimeoutMs: 500, requestTimeoutMs: 1_000 } });
    const socket = connectTcp(gateway.port, '127.0.0.1');
    let answer = '';
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString()));
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    // Headers started, never finished.
    socket.write('POST /graphql HTTP/1.1\r\nHost: localhost\r\n');
    await within(closed, 5_000, 'the slow connection to be closed');
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
  });
});

describe('WebSocket caps', () => {
  const signer = createTokenSigner(base.jwtSecret, '1h');
  const open = (gateway: RunningGateway, userId?: string): Socket => {
    const socket = connect(
      gateway,
      userId ? { token: signer.sign({ id: userId, role: 'CUSTOMER' }) } : undefined,
    );
    sockets.push(socket);
    return socket;
  };
  const opened = (socket: Socket): Promise<unknown> =>
    new Promise((resolve) => socket.client.on('connected', resolve));

  /** Resolves with the HTTP status of a WebSocket handshake (101 when it opened). */
  const handshake = (gateway: RunningGateway): Promise<{ status?: number; retryAfter?: string | string[] }> =>
    new Promise((resolve) => {
      const raw = new WebSocket(wsUrl(gateway), 'graphql-transport-ws');
      raw.on('unexpected-response', (_request, response) =>
        resolve({ status: response.statusCode, retryAfter: response.headers['retry-after'] }),
      );
      raw.on('open', () => {
        resolve({ status: 101 });
        raw.close();
      });
      raw.on('error', () => undefined);
    });

  it('spends the per-IP and per-user budgets on connects and subscriptions like on HTTP requests', async () => {
    const gateway = await gatewayWith({
      subscriptions: true,
      rateLimits: { perIpPerMinute: 4, perUserPerMinute: 1 },
    });
    const socket = open(gateway, 'budget-user');
    await opened(socket);
    const query = 'subscription { myOrderUpdates { eventId } }';
    subscribe(socket, query);
    await eventually(() => gateway.subscriptions?.fanOut.size === 1, {
      timeoutMs: 5_000,
      message: 'the subscription to be registered',
    });
    const overUserBudget = subscribe(socket, query);
    await overUserBudget.ended;
    expect(errorCodesOf(overUserBudget)).toEqual(['RATE_LIMITED']);
    // Connect, two subscribes and this request spent the IP's four.
    expect((await post(gateway.url, { query: '{ __typename }' })).status).toBe(200);
    expect(await handshake(gateway)).toEqual({ status: 429, retryAfter: expect.any(String) });
  });

  it('refuses the handshake past the sockets allowed per IP', async () => {
    const gateway = await gatewayWith({ subscriptions: true, caps: { maxSocketsPerIp: 2 } });
    await Promise.all([opened(open(gateway)), opened(open(gateway))]);
    const refusal = await handshake(gateway);
    expect(refusal).toEqual({ status: 429, retryAfter: expect.any(String) });
  });

  it('closes a socket past the sockets allowed per user', async () => {
    const gateway = await gatewayWith({ subscriptions: true, caps: { maxSocketsPerUser: 1 } });
    await opened(open(gateway, 'socket-user'));
    expect(await open(gateway, 'socket-user').closed).toBe(1008);
    await opened(open(gateway, 'another-user'));
  });

  it("refuses a subscription past the user's cap across all of their sockets", async () => {
    const gateway = await gatewayWith({ subscriptions: true, caps: { maxSubscriptionsPerUser: 1 } });
    const query = 'subscription { myOrderUpdates { eventId } }';
    const first = subscribe(open(gateway, 'subscriber'), query);
    await eventually(() => gateway.subscriptions?.fanOut.size === 1, {
      timeoutMs: 5_000,
      message: 'the first subscription to be registered',
    });
    const second = subscribe(open(gateway, 'subscriber'), query);
    await second.ended;
    expect(errorCodesOf(second)).toEqual(['RATE_LIMITED']);
    // Once the first ends, the user may subscribe again.
    first.dispose();
    await eventually(() => gateway.subscriptions?.fanOut.size === 0, {
      timeoutMs: 5_000,
      message: 'unsubscribe',
    });
    subscribe(open(gateway, 'subscriber'), query);
    await eventually(() => gateway.subscriptions?.fanOut.size === 1, {
      timeoutMs: 5_000,
      message: 'the new subscription to be registered',
    });
  });
});
