import { toClientError } from '../domain/order-errors';
import type { MutationResolvers } from '../generated/graphql';

/** A refused status change is the client's mistake, never an internal error. */
const clientErrors = <T>(work: Promise<T>): Promise<T> =>
  work.catch((error: unknown) => {
    throw toClientError(error);
  });

export const Mutation: MutationResolvers = {
  checkout: (_parent, { input }, context) => clientErrors(context.services.checkout.checkout(context, input)),
  cancelOrder: (_parent, { id }, context) => clientErrors(context.services.orders.cancelOrder(context, id)),
};
