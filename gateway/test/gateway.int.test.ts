import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import {
  errorCodes,
  eventually,
  graphql,
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

function compose(sdl: string): string {
  const result = composeServices([{ name: 'user', url: 'http://127.0.0.1:1/graphql', typeDefs: parse(sdl) }]);
  if (result.errors) throw new Error(result.errors.map((error) => error.message).join('\n'));
  return result.supergraphSdl;
}

let user: TestSubgraph<unknown>;
let gateway: RunningGateway;
let dir: string;
let supergraphPath: string;

beforeAll(async () => {
  user = (await startTestSubgraph(userSubgraph)) as TestSubgraph<unknown>;
  dir = mkdtempSync(join(tmpdir(), 'gateway-test-'));
  supergraphPath = join(dir, 'supergraph.graphql');
  writeFileSync(supergraphPath, compose(userSdl));
  gateway = await startGateway({
    config: {
      ...loadGatewayConfig(),
      port: 0,
      supergraphPath,
      serviceUrls: { user: user.url },
      kafkaNamespace: `${uniquePrefix()}.`,
    },
  });
});

afterAll(async () => {
  await gateway.stop();
  await user.destroy();
  rmSync(dir, { recursive: true, force: true });
});

describe('gateway', () => {
  it('forwards the caller token so subgraphs see who is asking', async () => {
    const registered = await graphql<{ register: { token: string } }>(
      gateway.url,
      `
        mutation {
          register(input: { email: "gw@example.com", password: "long password", fullName: "Gate Way" }) {
            token
          }
        }
      `,
    );
    const me = await graphql<{ me: { email: string } }>(
      gateway.url,
      '{ me { email } }',
      {},
      registered.data?.register.token,
    );
    expect(me.data?.me.email).toBe('gw@example.com');
  });

  it('refuses an invalid token at the edge with UNAUTHENTICATED', async () => {
    const result = await graphql(gateway.url, '{ me { email } }', {}, 'not-a-token');
    expect(result.status).toBe(401);
    expect(errorCodes(result)).toEqual(['UNAUTHENTICATED']);
  });

  it('reports unknown fields as GRAPHQL_VALIDATION_FAILED, not an internal error', async () => {
    const result = await graphql(gateway.url, '{ me { password } }');
    expect(errorCodes(result)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
  });

  it('serves the interactive explorer to a browser', async () => {
    const response = await fetch(gateway.url, { headers: { accept: 'text/html' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/html');
    expect(await response.text()).toContain('embeddable-sandbox');
  });

  it('answers liveness and readiness probes', async () => {
    const base = gateway.url.replace('/graphql', '');
    expect((await fetch(`${base}/health/live`)).status).toBe(200);
    // Ready once the order event consumer (live tracking) has joined its group.
    const ready = await eventually(
      async () => {
        const response = await fetch(`${base}/health/ready`);
        return response.status === 200 && ((await response.json()) as { checks: Record<string, boolean> });
      },
      { timeoutMs: 5_000, message: 'readiness' },
    );
    expect(ready.checks).toEqual({ kafka: true });
  });

  it('hot-reloads the supergraph when the file changes', async () => {
    const probe = '{ __type(name: "Role") { enumValues { name } } }';
    const before = await graphql<{ __type: { enumValues: { name: string }[] } }>(gateway.url, probe);
    expect(before.data?.__type.enumValues.map((value) => value.name)).toEqual(['CUSTOMER', 'ADMIN']);

    writeFileSync(supergraphPath, compose(userSdl.replace('  ADMIN\n', '  ADMIN\n  COURIER\n')));
    await eventually(
      async () => {
        const after = await graphql<{ __type: { enumValues: { name: string }[] } }>(gateway.url, probe);
        return after.data?.__type.enumValues.some((value) => value.name === 'COURIER');
      },
      { timeoutMs: 5_000, message: 'the new supergraph to be served' },
    );
  });
});
