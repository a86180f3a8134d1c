import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  getIntrospectionQuery,
  Kind,
  parse,
  print,
  visit,
  type DefinitionNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
} from 'graphql';
import { MAX_PAGE_SIZE } from '@marketplace/platform';
import { errorCodes, graphql, uniquePrefix, type GraphQLResponse } from '@marketplace/platform/testing';
import { loadGatewayConfig } from '../src/config';
import { startGateway, type RunningGateway } from '../src/server';
import { connect, subscribe, type Socket } from './ws-client';

const ROOT = join(__dirname, '..', '..');
const SUBGRAPHS = ['user', 'product', 'cart', 'order', 'payment', 'delivery'];

/** Every subgraph of the committed supergraph is this one server, which counts what it is asked. */
let subgraphRequests = 0;
let stub: Server;
let gateway: RunningGateway;
let socket: Socket;

beforeAll(async () => {
  stub = createServer((request, response) => {
    subgraphRequests += 1;
    request.resume();
    request.on('end', () => {
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ data: { categories: [] } }));
    });
  });
  await new Promise<void>((resolve) => stub.listen(0, '127.0.0.1', resolve));
  const stubUrl = `http://127.0.0.1:${(stub.address() as AddressInfo).port}/graphql`;
  gateway = await startGateway({
    config: {
      ...loadGatewayConfig(),
      port: 0,
      serviceUrls: Object.fromEntries(SUBGRAPHS.map((name) => [name, stubUrl])),
      kafkaNamespace: `${uniquePrefix()}.`,
    },
    supergraphSdl: readFileSync(join(ROOT, 'schema', 'supergraph.graphql'), 'utf8'),
  });
  socket = connect(gateway);
});

afterAll(async () => {
  await socket?.client.dispose();
  await gateway?.stop();
  await new Promise((resolve) => stub?.close(resolve));
});

/** The chain: `categories → products(first:100) → category → products(first:100) → …`. */
function productChain(depth: number): string {
  let selection = 'id';
  let level = 2; // `categories` and the innermost `id`
  while (level + 4 <= depth) {
    selection = `products(first: 100) { edges { node { category { ${selection} } } } }`;
    level += 4;
  }
  return `{ categories { ${selection} } }`;
}

const aliases = (count: number, field: string): string =>
  `{ ${Array.from({ length: count }, (_, index) => `a${index}: ${field}`).join(' ')} }`;

const refusals = (response: GraphQLResponse<unknown>): unknown[] =>
  (response.errors ?? []).map((error) => error.extensions);

describe('operation limits at the gateway', () => {
  it('passes an ordinary operation to the subgraphs (the request counter works)', async () => {
    const before = subgraphRequests;
    const response = await graphql(gateway.url, '{ categories { id } }');
    expect(response.data).toEqual({ categories: [] });
    expect(subgraphRequests).toBeGreaterThan(before);
  });

  it.each([
    ['the depth-18 product chain', productChain(18), {}, { limit: 'depth', measured: 18, max: 15 }],
    [
      '1,000 aliases of products(first: 100)',
      aliases(1_000, 'products(first: 100) { edges { node { id } } }'),
      {},
      { limit: 'tokens', max: 3_000 },
    ],
    [
      '10,000 aliased __typename',
      aliases(10_000, '__typename'),
      {},
      { limit: 'tokens', measured: 30_002, max: 3_000 },
    ],
    ['200 aliased __typename', aliases(200, '__typename'), {}, { limit: 'aliases', measured: 200, max: 30 }],
    [
      '60 directives',
      `{ ${Array.from({ length: 60 }, (_, index) => `a${index % 20}: __typename @skip(if: false)`).join(' ')} }`,
      {},
      { limit: 'directives', measured: 60, max: 50 },
    ],
    [
      'a chain within the depth limit (100 × 100 products per category)',
      productChain(10),
      {},
      { limit: 'cost', measured: 50 * (2 + 100 * (4 + 100 * 3)), max: 5_000 },
    ],
    [
      'a cost bomb whose sizes come from variables',
      'query ($n: Int) { products(first: $n) { edges { node { category { products(first: $n) { edges { node { id } } } } } } } }',
      { n: 100 },
      { limit: 'cost', measured: 1 + 100 * (4 + 100 * 2), max: 5_000 },
    ],
  ])(
    'refuses %s with QUERY_TOO_COMPLEX and HTTP 400, without calling a subgraph',
    async (_bomb, query, variables, refusal) => {
      const before = subgraphRequests;
      const response = await graphql(gateway.url, query, variables);
      expect(response.status).toBe(400);
      expect(response.data).toBeUndefined();
      expect(refusals(response)).toContainEqual(
        expect.objectContaining({ code: 'QUERY_TOO_COMPLEX', ...refusal }),
      );
      expect(errorCodes(response).every((code) => code === 'QUERY_TOO_COMPLEX')).toBe(true);
      expect(subgraphRequests).toBe(before);
    },
  );

  it('accepts the variable cost bomb with small variables', async () => {
    const query =
      'query ($n: Int) { products(first: $n) { edges { node { category { products(first: $n) { edges { node { id } } } } } } } }';
    const response = await graphql(gateway.url, query, { n: 5 });
    expect(errorCodes(response)).not.toContain('QUERY_TOO_COMPLEX');
  });

  it('refuses a subscription bomb over graphql-ws before anything runs', async () => {
    const before = subgraphRequests;
    const bomb = `subscription { myOrderUpdates { order { items { product ${productChain(16).slice(1, -1).replace('categories', 'category')} } } } }`;
    const received = subscribe(socket, bomb);
    await received.ended;
    expect(received.error).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          extensions: expect.objectContaining({ code: 'QUERY_TOO_COMPLEX', limit: 'depth', max: 15 }),
        }),
      ]),
    );
    expect(subgraphRequests).toBe(before);
  });
});

describe('introspection and the explorer', () => {
  it("answers the explorer's introspection query within the default limits", async () => {
    const response = await graphql(gateway.url, getIntrospectionQuery());
    expect(response.errors).toBeUndefined();
  });

  it('refuses introspection and serves no explorer when they are off (the production default)', async () => {
    const closed = await startGateway({
      config: {
        ...gateway.config,
        introspection: false,
        explorer: false,
        subscriptions: { ...gateway.config.subscriptions, enabled: false },
      },
      supergraphSdl: readFileSync(join(ROOT, 'schema', 'supergraph.graphql'), 'utf8'),
    });
    try {
      const introspection = await graphql(closed.url, '{ __schema { types { name } } }');
      expect(errorCodes(introspection)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
      const page = await fetch(closed.url, { headers: { accept: 'text/html' } });
      expect(await page.text()).not.toContain('embeddable-sandbox');
    } finally {
      await closed.stop();
    }
  });
});

/** Every client operation in `schema/operations/<client>/`, with the fragments it spreads. */
function clientOperations(): { name: string; query: string; operation: OperationDefinitionNode }[] {
  const directory = join(ROOT, 'schema', 'operations');
  return readdirSync(directory).flatMap((client) => {
    const files = readdirSync(join(directory, client)).filter((file) => file.endsWith('.graphql'));
    const definitions: DefinitionNode[] = files.flatMap(
      (file) => parse(readFileSync(join(directory, client, file), 'utf8')).definitions,
    );
    const fragments = new Map(
      definitions
        .filter(
          (definition): definition is FragmentDefinitionNode => definition.kind === Kind.FRAGMENT_DEFINITION,
        )
        .map((fragment) => [fragment.name.value, fragment]),
    );
    const spreadBy = (
      node: OperationDefinitionNode | FragmentDefinitionNode,
      used: Set<string>,
    ): Set<string> => {
      visit(node, {
        FragmentSpread(spread) {
          const fragment = fragments.get(spread.name.value);
          if (!fragment || used.has(spread.name.value)) return;
          used.add(spread.name.value);
          spreadBy(fragment, used);
        },
      });
      return used;
    };
    return definitions
      .filter(
        (definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION,
      )
      .map((operation) => ({
        name: `${client}/${operation.name?.value ?? '(anonymous)'}`,
        operation,
        query: [operation, ...[...spreadBy(operation, new Set())].map((name) => fragments.get(name)!)]
          .map((definition) => print(definition))
          .join('\n'),
      }));
  });
}

/** The largest page a client may ask for in every `Int` variable; other variables stay unset. */
const largestPages = (operation: OperationDefinitionNode): Record<string, unknown> =>
  Object.fromEntries(
    (operation.variableDefinitions ?? [])
      .filter((definition) => print(definition.type).replace('!', '') === 'Int')
      .map((definition) => [definition.variable.name.value, MAX_PAGE_SIZE]),
  );

describe('client operations and the default limits', () => {
  const operations = clientOperations();

  it('finds the operations of every client', () => {
    expect(operations.length).toBeGreaterThan(30);
  });

  it.each(operations.map((operation) => [operation.name, operation] as const))(
    '%s is never refused, even at the largest page size',
    async (_name, { query, operation }) => {
      const response = await graphql(gateway.url, query, largestPages(operation));
      expect(errorCodes(response)).not.toContain('QUERY_TOO_COMPLEX');
      expect(errorCodes(response)).not.toContain('GRAPHQL_VALIDATION_FAILED');
      expect(errorCodes(response)).not.toContain('GRAPHQL_PARSE_FAILED');
    },
  );
});
