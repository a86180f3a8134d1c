import { isId, money, requireOwnerOrAdmin, requireViewer } from '@marketplace/platform';
import type { PaymentResolvers } from '../generated/graphql';

export const Payment: PaymentResolvers = {
  // Only the buyer and administrators may resolve a payment, also through `_entities`.
  __resolveReference: async (reference, context) => {
    requireViewer(context.viewer);
    if (!isId(reference.id)) return null;
    const payment = await context.loaders.paymentById.load(reference.id.toLowerCase());
    if (payment) requireOwnerOrAdmin(context.viewer, payment.userId);
    return payment;
  },
  amount: (payment) => money(payment.amount, payment.currency),
};
