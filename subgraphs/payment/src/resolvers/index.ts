import { DateTimeScalar } from '@marketplace/platform';
import type { Resolvers } from '../generated/graphql';
import { Mutation } from './Mutation';
import { Order } from './Order';
import { Payment } from './Payment';
import { User } from './User';
import { Wallet } from './Wallet';
import { WalletTransaction } from './WalletTransaction';

export const resolvers: Resolvers = {
  DateTime: DateTimeScalar,
  Mutation,
  User,
  Wallet,
  WalletTransaction,
  Order,
  Payment,
};
