import { money } from '@marketplace/platform';
import type { WalletTransactionResolvers } from '../generated/graphql';

export const WalletTransaction: WalletTransactionResolvers = {
  amount: (transaction) => money(transaction.amount, transaction.wallet.currency),
  balanceAfter: (transaction) => money(transaction.balanceAfter, transaction.wallet.currency),
};
