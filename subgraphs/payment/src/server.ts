import { paymentMigrations } from '@marketplace/migrations';
import {
  namespaced,
  OutboxMessageSchema,
  ProcessedEventSchema,
  readSubgraphSchema,
  ServiceClient,
  type SubgraphDefinition,
  TOPICS,
} from '@marketplace/platform';
import { OrderClient } from './clients/order.client';
import { createLoaders, type PaymentServices } from './context';
import { PayableOrderSchema } from './entities/payable-order.entity';
import { PaymentSchema } from './entities/payment.entity';
import { WalletTransactionSchema } from './entities/wallet-transaction.entity';
import { WalletSchema } from './entities/wallet.entity';
import { paymentWorkers } from './events';
import { OrderPaymentService } from './order-payment.service';
import { resolvers } from './resolvers';
import { paymentSettings, type PaymentSettings } from './settings';
import { WalletService } from './wallet.service';

export const typeDefs = readSubgraphSchema(__dirname);

/**
 * The payment subgraph: wallets, their ledger and order payments, and the payment step of the order
 * saga (payable orders from order events, `payOrder`, refunds). Building it has no side effects;
 * its settings ({@link paymentSettings}) are read from the environment when the service starts.
 */
export const paymentSubgraph: SubgraphDefinition<
  ReturnType<typeof createLoaders>,
  PaymentServices,
  PaymentSettings
> = {
  name: 'payment',
  typeDefs,
  resolvers,
  entities: [
    WalletSchema,
    WalletTransactionSchema,
    PaymentSchema,
    PayableOrderSchema,
    OutboxMessageSchema,
    ProcessedEventSchema,
  ],
  migrations: paymentMigrations,
  createLoaders,
  settings: paymentSettings,
  createServices: ({ config, settings, log, metrics }) => {
    const wallets = new WalletService(config.currency);
    const orders = new OrderClient(
      new ServiceClient({ service: 'order', url: settings.orderServiceUrl, config, log, metrics }),
    );
    return {
      wallets,
      orderPayments: new OrderPaymentService(wallets, {
        eventsTopic: namespaced(config, TOPICS.payment),
        currency: config.currency,
        readModelWaitMs: settings.orderSyncWaitMs,
        metrics,
        orderExists: (orderId, authorization, signal) => orders.exists(orderId, authorization, signal),
      }),
    };
  },
  workers: paymentWorkers,
};
