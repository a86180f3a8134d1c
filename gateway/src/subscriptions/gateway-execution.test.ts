import type { ApolloServer } from '@apollo/server';
import type { GatewayContext } from '../context';
import type { Caller } from './auth';
import { executeThroughGateway, executorFor } from './gateway-execution';

const caller: Caller = {
  viewer: { userId: 'u-1', role: 'CUSTOMER', expiresAt: Number.MAX_SAFE_INTEGER },
  authorization: 'Bearer t',
};

function apolloAnswering(body: object) {
  const executeOperation = jest.fn().mockResolvedValue({ http: {}, body });
  return { apollo: { executeOperation } as unknown as ApolloServer<GatewayContext>, executeOperation };
}

describe('executeThroughGateway', () => {
  it("runs the operation as the identity, with a fresh request id, and returns Apollo's result", async () => {
    const { apollo, executeOperation } = apolloAnswering({
      kind: 'single',
      singleResult: { data: { ping: 'pong' } },
    });
    const result = await executeThroughGateway(apollo, { query: '{ ping }', variables: { a: 1 } }, caller);
    expect(result).toEqual({ data: { ping: 'pong' } });
    expect(executeOperation).toHaveBeenCalledWith(
      { query: '{ ping }', variables: { a: 1 } },
      { contextValue: { ...caller, requestId: expect.any(String) } },
    );
    await executeThroughGateway(apollo, { query: '{ ping }' }, caller);
    const ids = executeOperation.mock.calls.map(([, { contextValue }]) => contextValue.requestId);
    expect(new Set(ids).size).toBe(2);
  });

  it('answers an incremental response with BAD_REQUEST', async () => {
    const { apollo } = apolloAnswering({ kind: 'incremental', initialResult: {}, subsequentResults: [] });
    await expect(executeThroughGateway(apollo, { query: '{ ping }' }, caller)).resolves.toEqual({
      errors: [expect.objectContaining({ extensions: { code: 'BAD_REQUEST' } })],
    });
  });

  it('is what executorFor runs for the subscriptions', async () => {
    const { apollo, executeOperation } = apolloAnswering({ kind: 'single', singleResult: { data: {} } });
    await executorFor(apollo)('query Q { ping }', { id: 'x' }, caller);
    expect(executeOperation).toHaveBeenCalledWith(
      { query: 'query Q { ping }', variables: { id: 'x' } },
      expect.anything(),
    );
  });
});
