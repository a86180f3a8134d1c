import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import gql from 'graphql-tag';
import { paymentMigrations } from '@marketplace/migrations';
import type { SubgraphDefinition } from '@marketplace/platform';
import { createLoaders, type PaymentServices } from './context';
import { PaymentSchema } from './entities/payment.entity';
import { WalletTransactionSchema } from './entities/wallet-transaction.entity';
import { WalletSchema } from './entities/wallet.entity';
import { PaymentService } from './payment.service';
import { resolvers } from './resolvers';
import { WalletService } from './wallet.service';

export const typeDefs = gql(readFileSync(join(__dirname, '..', 'src', 'schema.graphql'), 'utf8'));

/** The payment subgraph: wallets, their ledger and order payments. Building it has no side effects. */
export const paymentSubgraph: SubgraphDefinition<ReturnType<typeof createLoaders>, PaymentServices> = {
  name: 'payment',
  typeDefs,
  resolvers,
  entities: [WalletSchema, WalletTransactionSchema, PaymentSchema],
  migrations: paymentMigrations,
  createLoaders,
  createServices: ({ config }) => ({
    wallets: new WalletService(config.currency),
    payments: new PaymentService(config.currency),
  }),
};
