import { authorize, authorizeReference, referenceId } from '@marketplace/platform';
import type { PaymentContext } from '../context';
import type { Payment } from '../entities/payment.entity';
import type { OrderResolvers } from '../generated/graphql';
import type { EntityReference } from '../references';

export const Order: OrderResolvers = {
  // This service does not know who placed an order; the payment it holds decides who may see it.
  __resolveReference: authorizeReference('signedIn', (reference) => {
    const id = referenceId(reference);
    return id ? { id } : null;
  }),
  // The latest attempt, for its buyer and administrators; null when the order has none.
  payment: authorize(
    { ownerOfResult: (payment: Payment) => payment.userId },
    async (order: EntityReference, _args: unknown, context: PaymentContext) => {
      const [latest] = await context.loaders.paymentsByOrderId.load(order.id);
      return latest ?? null;
    },
  ),
};
