import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import {
  capturingLogger,
  startTestSubgraph,
  uniquePrefix,
  type TestSubgraph,
} from '@marketplace/platform/testing';
import { userSubgraph } from '../../subgraphs/user/src/server';
import { loadGatewayConfig } from '../src/config';
import { startGateway, type RunningGateway } from '../src/server';

const userSdl = readFileSync(
  join(__dirname, '..', '..', 'subgraphs', 'user', 'src', 'schema.graphql'),
  'utf8',
);

let user: TestSubgraph<unknown>;
let gateway: RunningGateway;
let dir: string;
const { log, lines } = capturingLogger('gateway');

beforeAll(async () => {
  user = (await startTestSubgraph(userSubgraph)) as TestSubgraph<unknown>;
  dir = mkdtempSync(join(tmpdir(), 'gateway-correlation-'));
  const composed = composeServices([{ name: 'user', url: user.url, typeDefs: parse(userSdl) }]);
  if (!composed.supergraphSdl) throw new Error('the user subgraph does not compose');
  writeFileSync(join(dir, 'supergraph.graphql'), composed.supergraphSdl);
  gateway = await startGateway({
    config: {
      ...loadGatewayConfig(),
      port: 0,
      supergraphPath: join(dir, 'supergraph.graphql'),
      serviceUrls: { user: user.url },
      kafkaNamespace: `${uniquePrefix()}.`,
      subscriptions: { ...loadGatewayConfig().subscriptions, enabled: false },
    },
    log,
  });
});

afterAll(async () => {
  await gateway.stop();
  await user.destroy();
  rmSync(dir, { recursive: true, force: true });
});

const post = (body: unknown, headers: Record<string, string> = {}): Promise<Response> =>
  fetch(gateway.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });

const accessLinesOf = (requestId: string) =>
  lines.filter(
    (line) =>
      line.msg === 'graphql operation' && (line.access as { requestId?: string }).requestId === requestId,
  );

describe('request correlation at the gateway', () => {
  it('echoes the request id the client sent and logs the operation under it', async () => {
    const response = await post(
      { query: 'query WhoAmI { me { email } }', operationName: 'WhoAmI' },
      { 'x-request-id': 'client-chosen-id-1' },
    );
    expect(response.headers.get('x-request-id')).toBe('client-chosen-id-1');
    expect(accessLinesOf('client-chosen-id-1').map((line) => line.access)).toEqual([
      {
        requestId: 'client-chosen-id-1',
        operationName: 'WhoAmI',
        operationType: 'query',
        durationMs: expect.any(Number),
        outcome: 'ok',
      },
    ]);
  });

  it('logs a request refused for its token, which never reaches the operation, under its request id', async () => {
    const response = await post(
      { query: 'query WhoAmI { me { email } }' },
      { 'x-request-id': 'client-chosen-id-2', authorization: 'Bearer not-a-token' },
    );
    expect(response.status).toBe(401);
    expect(response.headers.get('x-request-id')).toBe('client-chosen-id-2');
    expect(accessLinesOf('client-chosen-id-2').map((line) => line.access)).toEqual([
      {
        requestId: 'client-chosen-id-2',
        operationName: null,
        operationType: null,
        outcome: 'error',
        errorCodes: ['UNAUTHENTICATED'],
      },
    ]);
  });

  it('returns the id it made up for a request that came without one, the same one it logs', async () => {
    const response = await post({ query: 'mutation Nothing { __typename }' });
    const requestId = response.headers.get('x-request-id');
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(accessLinesOf(requestId!)).toHaveLength(1);
    expect(accessLinesOf(requestId!)[0].access).toMatchObject({ operationType: 'mutation', outcome: 'ok' });
  });

  it('echoes the request id on a refusal too, and never one a client could use to forge log lines', async () => {
    const response = await post('not an operation', { 'x-request-id': 'bad id " injected=1' });
    expect(response.status).toBe(400);
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});
