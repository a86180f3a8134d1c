import { money } from '@marketplace/platform';
import type { WalletResolvers } from '../generated/graphql';

// A wallet is only reachable through its owner (`User.wallet`, `topUpWallet`), which is checked there.
export const Wallet: WalletResolvers = {
  balance: (wallet) => money(wallet.balanceAmount, wallet.currency),
  transactions: (wallet, args, context) => context.services.wallets.transactions(context, wallet, args),
};
