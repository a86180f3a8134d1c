import {
  errorCodes,
  graphql,
  startTestSubgraph,
  type GraphQLResponse,
  type TestSubgraph,
} from '@marketplace/platform/testing';
import { createTokenSigner } from '@marketplace/platform';
import jwt from 'jsonwebtoken';
import { userSubgraph } from '../src/server';
import type { UserServices } from '../src/context';

const REGISTER = /* GraphQL */ `
  mutation Register($input: RegisterInput!) {
    register(input: $input) {
      token
      user {
        id
        email
        fullName
        city
        role
      }
    }
  }
`;
const LOGIN = /* GraphQL */ `
  mutation Login($email: String!, $password: String!) {
    login(email: $email, password: $password) {
      token
      user {
        id
      }
    }
  }
`;
const ME = /* GraphQL */ `
  {
    me {
      id
      email
      fullName
      role
      createdAt
    }
  }
`;
const ENTITIES = /* GraphQL */ `
  query Entities($representations: [_Any!]!) {
    _entities(representations: $representations) {
      ... on User {
        id
        email
      }
    }
  }
`;

let service: TestSubgraph<UserServices>;
const register = (email: string, password = 'correct horse', fullName = 'Anna Petrova') =>
  graphql<{ register: { token: string; user: { id: string; email: string; role: string } } }>(
    service.url,
    REGISTER,
    {
      input: { email, password, fullName, city: 'Moscow' },
    },
  );

const HASH_COST = 10;

/** The data of a response that must have succeeded: its errors are checked first. */
const expectOk = <T>(result: GraphQLResponse<T>): T => {
  expect(result.errors).toBeUndefined();
  return result.data!;
};

beforeAll(async () => {
  // Settings are overridden through the settings argument, never the environment.
  service = await startTestSubgraph(userSubgraph, undefined, {}, { passwordHashCost: HASH_COST });
});
afterAll(() => service.destroy());

describe('user subgraph', () => {
  it('registers a customer, normalising the email, and signs them in', async () => {
    const { register: registered } = expectOk(await register('  Anna@Example.COM '));
    expect(registered.user).toMatchObject({ email: 'anna@example.com', role: 'CUSTOMER' });

    const me = expectOk(await graphql<{ me: { email: string } }>(service.url, ME, {}, registered.token));
    expect(me.me.email).toBe('anna@example.com');

    const login = expectOk(
      await graphql<{ login: { user: { id: string } } }>(service.url, LOGIN, {
        email: 'ANNA@example.com',
        password: 'correct horse',
      }),
    );
    expect(login.login.user.id).toBe(registered.user.id);
  });

  it('stores only a salted scrypt hash of the password', async () => {
    expectOk(await register('hash@example.com', 'secret password'));
    const rows = await service.orm.em
      .getConnection()
      .execute<{ password_hash: string }[]>(
        `select password_hash from users where email = 'hash@example.com'`,
      );
    // At the cost of the service's PASSWORD_HASH_COST setting.
    expect(rows[0].password_hash).toMatch(new RegExp(`^scrypt\\$${HASH_COST}\\$8\\$1\\$`));
    expect(rows[0].password_hash).not.toContain('secret password');
  });

  it('answers me with null when no token is sent', async () => {
    const me = await graphql(service.url, ME);
    expect(me.errors).toBeUndefined();
    expect(me.data).toEqual({ me: null });
  });

  it.each([
    ['malformed email', { email: 'not-an-email', password: 'long enough', fullName: 'X' }, 'email'],
    ['short password', { email: 'short@example.com', password: 'short', fullName: 'X' }, 'password'],
    ['blank name', { email: 'blank@example.com', password: 'long enough', fullName: '   ' }, 'fullName'],
    [
      'future birth date',
      { email: 'b@example.com', password: 'long enough', fullName: 'X', birthDate: '2999-01-01' },
      'birthDate',
    ],
  ])('refuses a %s with BAD_USER_INPUT', async (_case, input, field) => {
    const result = await graphql(service.url, REGISTER, { input });
    expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
    expect(result.errors?.[0].extensions?.field).toBe(field);
  });

  it('refuses a duplicate registration, also when two race', async () => {
    const results = await Promise.all([register('twin@example.com'), register('TWIN@example.com')]);
    const codes = results.map((result) => errorCodes(result)[0]);
    expect(codes.filter((code) => code === undefined)).toHaveLength(1);
    expect(codes.filter((code) => code === 'BAD_USER_INPUT')).toHaveLength(1);
  });

  it('keeps exactly one account per email when many registrations of it race', async () => {
    const spellings = ['race@example.com', 'RACE@example.com', ' Race@Example.com ', 'race@EXAMPLE.COM'];
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, index) => register(spellings[index % spellings.length])),
    );

    const winners = results.filter((result) => result.errors === undefined);
    const losers = results.filter((result) => result.errors !== undefined);
    expect(losers.map((result) => errorCodes(result))).toEqual(losers.map(() => ['BAD_USER_INPUT']));
    for (const loser of losers) expect(loser.errors?.[0].extensions?.field).toBe('email');
    expect(winners).toHaveLength(1);
    const rows = await service.orm.em
      .getConnection()
      .execute<{ id: string }[]>(`select id from users where lower(email) = 'race@example.com'`);
    expect(rows).toEqual([{ id: winners[0].data?.register.user.id }]);
  });

  it('refuses a wrong password or unknown email with UNAUTHENTICATED', async () => {
    expectOk(await register('login@example.com', 'right password'));
    for (const [email, password] of [
      ['login@example.com', 'wrong password'],
      ['nobody@example.com', 'right password'],
    ]) {
      const result = await graphql(service.url, LOGIN, { email, password });
      expect(errorCodes(result)).toEqual(['UNAUTHENTICATED']);
      expect(result.errors?.[0].message).toBe('Invalid email or password');
    }
  });

  it('refuses an expired, forged or malformed token with UNAUTHENTICATED', async () => {
    const id = expectOk(await register('tokens@example.com')).register.user.id;
    const expired = jwt.sign(
      { role: 'CUSTOMER', exp: Math.floor(Date.now() / 1000) - 10 },
      service.config.jwtSecret,
      {
        subject: id,
        issuer: 'marketplace-graph',
      },
    );
    const forged = createTokenSigner('another secret', '1h').sign({ id, role: 'ADMIN' });
    for (const token of [expired, forged, 'garbage']) {
      const result = await graphql(service.url, ME, {}, token);
      expect(errorCodes(result)).toEqual(['UNAUTHENTICATED']);
    }
  });

  it('resolves a User entity for its owner and refuses everyone else (@key id)', async () => {
    const owner = expectOk(await register('owner@example.com')).register;
    const other = expectOk(await register('other@example.com')).register;
    const representations = [{ __typename: 'User', id: owner.user.id }];

    const own = expectOk(
      await graphql<{ _entities: { id: string; email: string }[] }>(
        service.url,
        ENTITIES,
        { representations },
        owner.token,
      ),
    );
    expect(own._entities).toEqual([{ id: owner.user.id, email: 'owner@example.com' }]);

    const foreign = await graphql(service.url, ENTITIES, { representations }, other.token);
    expect(errorCodes(foreign)).toEqual(['FORBIDDEN']);
    const anonymous = await graphql(service.url, ENTITIES, { representations });
    expect(errorCodes(anonymous)).toEqual(['UNAUTHENTICATED']);

    // An administrator resolves anyone; an id that cannot exist resolves to null, not an error.
    const admin = createTokenSigner(service.config.jwtSecret, '1h').sign({
      id: other.user.id,
      role: 'ADMIN',
    });
    const byAdmin = expectOk(
      await graphql<{ _entities: ({ id: string } | null)[] }>(
        service.url,
        ENTITIES,
        { representations: [...representations, { __typename: 'User', id: 'not-an-id' }] },
        admin,
      ),
    );
    expect(byAdmin._entities).toEqual([{ id: owner.user.id, email: 'owner@example.com' }, null]);
  });

  it('creates an administrator, or promotes an existing account', async () => {
    const customer = expectOk(await register('promote@example.com')).register.user;
    const context = { em: service.orm.em.fork() };
    const promoted = await service.services.users.createAdmin(
      context,
      'promote@example.com',
      'new admin password',
    );
    expect(promoted).toMatchObject({ id: customer.id, role: 'ADMIN' });
    const fresh = await service.services.users.createAdmin(context, 'root@example.com', 'admin password');
    expect(fresh.role).toBe('ADMIN');
    const login = expectOk(
      await graphql<{ login: { token: string } }>(service.url, LOGIN, {
        email: 'promote@example.com',
        password: 'new admin password',
      }),
    );
    const me = expectOk(await graphql<{ me: { role: string } }>(service.url, ME, {}, login.login.token));
    expect(me.me.role).toBe('ADMIN');
  });

  it('keeps the database schema in step with the entities', async () => {
    const diff = await service.orm.getSchemaGenerator().getUpdateSchemaSQL({ wrap: false });
    expect(diff.trim()).toBe('');
  });
});
