import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { parse, subscribe, type ExecutionResult } from 'graphql';
import { typeDefs } from '../server';
import { resolvers } from '.';

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
});
