import { money, showableMoney } from '@marketplace/platform';
import type { WalletTransactionResolvers } from '../generated/graphql';

export const WalletTransaction: WalletTransactionResolvers = {
  amount: (transaction) => money(transaction.amount, transaction.wallet.currency),
  balanceAfter: (transaction) =>
    showableMoney(transaction.balanceAfter, transaction.wallet.currency, 'balance after this movement'),
};
