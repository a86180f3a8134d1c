import { authorize, parseId } from '@marketplace/platform';
import type { OrderContext } from '../context';
import type { Order } from '../entities/order.entity';
import type { QueryOrderArgs, QueryResolvers } from '../generated/graphql';

export const Query: QueryResolvers = {
  // Signed-in callers; a malformed id is BAD_USER_INPUT, an unknown one null, someone else's
  // order FORBIDDEN (administrators see every order).
  order: authorize(
    { ownerOfResult: (order: Order) => order.userId },
    (_parent: unknown, { id }: QueryOrderArgs, context: OrderContext) =>
      context.loaders.orderById.load(parseId(id)),
  ),
};
