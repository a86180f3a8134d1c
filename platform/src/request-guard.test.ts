import { ApolloServer } from '@apollo/server';
import { buildSchema } from 'graphql';
import { requestGuardPlugin } from './request-guard';

/**
 * As the gateway sees the graph: `DateTime` known only by name (no parsing of its own), so every
 * refusal below comes from the guard, before anything resolves.
 */
const schema = buildSchema(/* GraphQL */ `
  scalar DateTime
  input Period {
    from: DateTime
    to: DateTime
  }
  type Query {
    orders(period: Period, at: [DateTime!], note: String, first: Int): Int
  }
  type Subscription {
    ticks: Int
  }
`);

let resolved = 0;
const server = new ApolloServer({
  schema,
  rootValue: {
    orders: () => {
      resolved += 1;
      return 1;
    },
  },
  plugins: [requestGuardPlugin()],
});

beforeAll(() => server.start());
afterAll(() => server.stop());

async function run(query: string, variables: Record<string, unknown> = {}, operationName?: string) {
  const before = resolved;
  const response = await server.executeOperation({ query, variables, operationName });
  if (response.body.kind !== 'single') throw new Error('expected a single result');
  const { errors } = response.body.singleResult;
  return {
    status: response.http.status ?? 200,
    codes: (errors ?? []).map((error) => error.extensions?.code),
    message: errors?.[0]?.message,
    resolved: resolved - before,
  };
}

describe('the request guard', () => {
  it('lets a well-formed request through', async () => {
    const result = await run('query ($at: [DateTime!]) { orders(period: { from: "2026-11-01" }, at: $at) }', {
      at: ['2026-11-21T10:15:30Z'],
    });
    expect(result).toMatchObject({ codes: [], resolved: 1 });
  });

  it.each([
    ['an unknown operationName', 'query A { orders }', 'B', /Unknown operation named "B"/],
    ['two operations without operationName', 'query A { orders } query B { orders }', undefined, /name one/],
    ['a subscription over HTTP', 'subscription { ticks }', undefined, /WebSocket/],
  ])('answers %s with HTTP 400 BAD_REQUEST', async (_case, query, operationName, message) => {
    const result = await run(query, {}, operationName);
    expect(result).toMatchObject({ status: 400, codes: ['BAD_REQUEST'], resolved: 0 });
    expect(result.message).toMatch(message);
  });

  it.each([
    ['a malformed DateTime literal in an input object', '{ orders(period: { from: "2026-02-30" }) }', {}],
    ['a DateTime literal of year zero', '{ orders(at: ["0000-01-01"]) }', {}],
    [
      'a malformed DateTime variable in a list',
      'query ($at: [DateTime!]) { orders(at: $at) }',
      { at: ['2026-11-01', 'yesterday'] },
    ],
    [
      'a malformed DateTime variable in an input object',
      'query ($p: Period) { orders(period: $p) }',
      { p: { to: '2026-13-45' } },
    ],
    ['a NUL in a string literal', '{ orders(note: "a\\u0000b") }', {}],
    ['a NUL in a string variable', 'query ($n: String) { orders(note: $n) }', { n: 'a\u0000b' }],
    ['a NUL deep in a variable', 'query ($p: Period) { orders(period: $p) }', { p: { from: '\u0000' } }],
    ['a variable of the wrong type', 'query ($f: Int) { orders(first: $f) }', { f: 'many' }],
  ])('answers %s with HTTP 400 BAD_USER_INPUT, resolving nothing', async (_case, query, variables) => {
    expect(await run(query, variables)).toMatchObject({
      status: 400,
      codes: ['BAD_USER_INPUT'],
      resolved: 0,
    });
  });
});
