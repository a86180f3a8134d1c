import { authorizeReference, money, referenceId } from '@marketplace/platform';
import type { PaymentContext } from '../context';
import type { Payment as PaymentEntity } from '../entities/payment.entity';
import type { PaymentResolvers } from '../generated/graphql';
import type { EntityReference } from '../references';

export const Payment: PaymentResolvers = {
  // Only the buyer and administrators may resolve a payment, also through `_entities`.
  __resolveReference: authorizeReference(
    { ownerOfResult: (payment: PaymentEntity) => payment.userId },
    (reference: EntityReference, context: PaymentContext) => {
      const id = referenceId(reference);
      return id ? context.loaders.paymentById.load(id) : null;
    },
  ),
  amount: (payment) => money(payment.amount, payment.currency),
};
