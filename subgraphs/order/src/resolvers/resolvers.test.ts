import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { GraphQLError, parse, subscribe, type ExecutionResult } from 'graphql';
import { IllegalTransitionError } from '../domain/order-state';
import type { OrderContext } from '../context';
import { typeDefs } from '../server';
import { resolvers } from '.';
import { Mutation } from './Mutation';

const schema = buildSubgraphSchema({
  typeDefs,
  resolvers: resolvers as GraphQLResolverMap<unknown>,
});

describe('order resolvers', () => {
  it.each([
    'subscription { myOrderUpdates { eventId } }',
    'subscription { orderStatusChanged(orderId: "x") { status } }',
  ])('answers %s on the subgraph with BAD_REQUEST: the gateway serves subscriptions', async (operation) => {
    const result = (await subscribe({ schema, document: parse(operation) })) as ExecutionResult;
    expect(result.errors?.map((error) => [error.message, error.extensions.code])).toEqual([
      ['Subscriptions are served by the gateway over graphql-ws', 'BAD_REQUEST'],
    ]);
  });

  it('turns an IllegalTransitionError reaching a mutation into BAD_USER_INPUT', async () => {
    const context = {
      services: {
        orders: { cancelOrder: () => Promise.reject(new IllegalTransitionError('SHIPPED', 'CANCELLED')) },
      },
    } as unknown as OrderContext;
    const cancelOrder = Mutation.cancelOrder as (
      parent: unknown,
      args: { id: string },
      context: OrderContext,
      info: unknown,
    ) => Promise<unknown>;

    const outcome = cancelOrder({}, { id: 'any' }, context, {});

    await expect(outcome).rejects.toBeInstanceOf(GraphQLError);
    await expect(outcome).rejects.toMatchObject({
      message: 'The order cannot be cancelled: it is already SHIPPED',
      extensions: { code: 'BAD_USER_INPUT', reason: 'ILLEGAL_TRANSITION', status: 'SHIPPED' },
    });
  });
});
