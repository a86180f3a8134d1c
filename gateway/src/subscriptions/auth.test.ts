import { GraphQLError } from 'graphql';
import { createTokenSigner, type Viewer } from '@marketplace/platform';
import { authenticateConnection, checkOrderAccess, requireCaller, type Caller } from './auth';

const SECRET = 'unit-test-secret';
const token = createTokenSigner(SECRET, '1h').sign({
  id: 'a0000000-0000-4000-8000-000000000001',
  role: 'CUSTOMER',
});
const ORDER_ID = 'b0000000-0000-4000-8000-000000000002';
const caller: Caller = {
  viewer: { userId: 'a0000000-0000-4000-8000-000000000001', role: 'CUSTOMER', expiresAt: 0 },
  authorization: `Bearer ${token}`,
};

describe('authenticateConnection', () => {
  it.each([
    ['Authorization', { Authorization: `Bearer ${token}` }],
    ['authorization', { authorization: `Bearer ${token}` }],
    ['token', { token }],
  ])('reads the token from connectionParams.%s', (_key, params) => {
    const identity = authenticateConnection(params, SECRET);
    expect(identity.viewer?.userId).toBe(caller.viewer.userId);
    expect(identity.authorization).toBe(`Bearer ${token}`);
  });

  it('treats a socket without a token as anonymous', () => {
    expect(authenticateConnection(undefined, SECRET).viewer).toBeNull();
    expect(authenticateConnection({ Authorization: '' }, SECRET).viewer).toBeNull();
  });

  it.each([['garbage'], [42], [createTokenSigner('another secret', '1h').sign({ id: 'x', role: 'ADMIN' })]])(
    'refuses a bad token (%p)',
    (value) => {
      expect(() => authenticateConnection({ token: value }, SECRET)).toThrow(
        expect.objectContaining({ extensions: expect.objectContaining({ code: 'UNAUTHENTICATED' }) }),
      );
    },
  );
});

describe('requireCaller', () => {
  const viewer = (expiresAt: number): Viewer => ({ userId: 'u', role: 'CUSTOMER', expiresAt });

  it('needs a viewer whose token has not expired', () => {
    expect(() => requireCaller({ viewer: null, authorization: null })).toThrow('Sign in');
    expect(() => requireCaller({ viewer: viewer(1), authorization: 'Bearer x' }, 2_000)).toThrow('expired');
    expect(requireCaller({ viewer: viewer(3), authorization: 'Bearer x' }, 2_000).viewer.userId).toBe('u');
  });
});

describe('checkOrderAccess', () => {
  const answering = (result: object) => jest.fn().mockResolvedValue(result);

  it('asks the gateway for the order as the caller and returns its id', async () => {
    const execute = answering({ data: { order: { id: ORDER_ID } } });
    await expect(checkOrderAccess(execute, caller, ORDER_ID.toUpperCase())).resolves.toBe(ORDER_ID);
    expect(execute).toHaveBeenCalledWith(expect.stringContaining('order(id: $id)'), { id: ORDER_ID }, caller);
  });

  it.each([
    ['FORBIDDEN', { data: { order: null }, errors: [{ message: 'no', extensions: { code: 'FORBIDDEN' } }] }],
    ['NOT_FOUND', { data: { order: null } }],
    ['INTERNAL_SERVER_ERROR', { data: null, errors: [{ message: 'down', extensions: { code: 'X' } }] }],
  ])('answers %s', async (code, result) => {
    const checking = checkOrderAccess(answering(result), caller, ORDER_ID);
    await expect(checking).rejects.toBeInstanceOf(GraphQLError);
    await expect(checking).rejects.toMatchObject({ extensions: expect.objectContaining({ code }) });
  });

  it('refuses a malformed id without asking, as a GraphQL error', async () => {
    const execute = answering({});
    const checking = checkOrderAccess(execute, caller, 'nope');
    await expect(checking).rejects.toBeInstanceOf(GraphQLError);
    await expect(checking).rejects.toMatchObject({
      extensions: { code: 'BAD_USER_INPUT', field: 'orderId' },
    });
    expect(execute).not.toHaveBeenCalled();
  });
});
