import { buildSchema, getOperationAST, parse } from 'graphql';
import { authFieldsOf } from './auth-fields';

const schema = buildSchema(`
  type Query { me: String }
  type AuthPayload { token: String! }
  input RegisterInput { email: String! password: String! }
  type Mutation {
    login(email: String!, password: String!): AuthPayload!
    register(input: RegisterInput!): AuthPayload!
    logout: Boolean
  }
`);

function fieldsOf(source: string, variables: Record<string, unknown> = {}) {
  const document = parse(source);
  const operation = getOperationAST(document);
  if (!operation) throw new Error('no operation');
  return authFieldsOf(schema, document, operation, variables);
}

describe('authFieldsOf', () => {
  it('finds every aliased login with its email, from literals and variables', () => {
    expect(
      fieldsOf(
        'mutation Anything($e: String!) { a: login(email: $e, password: "x") { token } login(email: "b@x.io", password: "y") { token } }',
        { e: 'a@x.io' },
      ),
    ).toEqual([
      { fieldName: 'login', responseKey: 'a', email: 'a@x.io' },
      { fieldName: 'login', responseKey: 'login', email: 'b@x.io' },
    ]);
  });

  it('looks behind fragment spreads and inline fragments, each fragment once', () => {
    const found = fieldsOf(`
      mutation { ...Sneaky ...Sneaky ... on Mutation { register(input: { email: "r@x.io", password: "p" }) { token } } }
      fragment Sneaky on Mutation { s: login(email: "s@x.io", password: "p") { token } }
    `);
    expect(found.map((field) => field.responseKey).sort()).toEqual(['register', 's']);
  });

  it('ignores other mutations and every query', () => {
    expect(fieldsOf('mutation { logout }')).toEqual([]);
    expect(fieldsOf('query { me }')).toEqual([]);
  });
});
