import { showableMoney } from '@marketplace/platform';
import type { WalletResolvers } from '../generated/graphql';

// A wallet is only reachable through its owner (`User.wallet`, `topUpWallet`), which is checked there.
export const Wallet: WalletResolvers = {
  // Refunds are never refused, so a balance may (rarely) pass what the API can show.
  balance: (wallet) => showableMoney(wallet.balanceAmount, wallet.currency, 'wallet balance'),
  transactions: (wallet, args, context) => context.services.wallets.transactions(context, wallet, args),
};
