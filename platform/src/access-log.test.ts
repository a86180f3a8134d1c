import { ApolloServer } from '@apollo/server';
import { buildSchema, GraphQLError } from 'graphql';
import { accessLogPlugin } from './access-log';
import { withRequestId } from './request-id';
import { capturingLogger } from './testing';

const schema = buildSchema(/* GraphQL */ `
  type Query {
    greeting(name: String!): String
    secret: String
  }
  type Mutation {
    login(email: String!, password: String!): String
  }
`);

const { log, lines } = capturingLogger('access-log-test');
const server = new ApolloServer({
  schema,
  rootValue: {
    greeting: ({ name }: { name: string }) => `hello ${name}`,
    secret: () => {
      throw new GraphQLError('no', { extensions: { code: 'FORBIDDEN' } });
    },
    login: () => 'token-abc',
  },
  plugins: [accessLogPlugin({ log })],
});

beforeAll(() => server.start());
afterAll(() => server.stop());
beforeEach(() => {
  lines.length = 0;
});

const accessLines = (): Record<string, unknown>[] => lines.filter((line) => line.msg === 'graphql operation');

describe('accessLogPlugin', () => {
  it('writes one line per operation with its name, type, duration, outcome and request id', async () => {
    await withRequestId('req-42', () =>
      server.executeOperation({
        query: 'query Greet($name: String!) { greeting(name: $name) }',
        variables: { name: 'Olga' },
      }),
    );
    expect(accessLines()).toHaveLength(1);
    const [line] = accessLines();
    expect(line.level).toBe(30);
    expect(line.access).toEqual({
      requestId: 'req-42',
      operationName: 'Greet',
      operationType: 'query',
      durationMs: expect.any(Number),
      outcome: 'ok',
    });
  });

  it('names the error codes the client received as the outcome', async () => {
    await server.executeOperation({ query: 'query Peek { secret }' });
    expect(accessLines()[0].access).toMatchObject({
      operationName: 'Peek',
      outcome: 'error',
      errorCodes: ['FORBIDDEN'],
    });
  });

  it('logs an operation that never parsed, without a name', async () => {
    await server.executeOperation({ query: '{ greeting(' });
    expect(accessLines()[0].access).toMatchObject({
      operationName: null,
      operationType: null,
      outcome: 'error',
      errorCodes: ['GRAPHQL_PARSE_FAILED'],
    });
  });

  it('never writes variables, the query text or what the operation answered', async () => {
    await server.executeOperation({
      query:
        'mutation SignIn($email: String!, $password: String!) { login(email: $email, password: $password) }',
      variables: { email: 'olga@example.com', password: 'hunter2-secret' },
    });
    const text = JSON.stringify(accessLines());
    expect(accessLines()[0].access).toMatchObject({ operationName: 'SignIn', operationType: 'mutation' });
    for (const leaked of ['olga@example.com', 'hunter2-secret', 'token-abc', 'login(', 'mutation SignIn']) {
      expect(text).not.toContain(leaked);
    }
  });

  it('writes nothing above its level (a subgraph logs at debug)', async () => {
    const quiet = capturingLogger('quiet');
    quiet.log.level = 'info';
    const subgraph = new ApolloServer({
      schema,
      rootValue: { greeting: () => 'hi' },
      plugins: [accessLogPlugin({ log: quiet.log, level: 'debug' })],
    });
    await subgraph.start();
    await subgraph.executeOperation({ query: '{ greeting(name: "x") }' });
    await subgraph.stop();
    expect(quiet.lines.filter((line) => line.msg === 'graphql operation')).toEqual([]);
  });
});
