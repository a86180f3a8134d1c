import type { EntityManager } from '@mikro-orm/postgresql';
import {
  entityByIdLoader,
  groupedLoader,
  type EventWorkers,
  type SubgraphContext,
} from '@marketplace/platform';
import { Payment } from './entities/payment.entity';
import { Wallet } from './entities/wallet.entity';
import type { OrderPaymentService } from './order-payment.service';
import type { WalletService } from './wallet.service';

export const createLoaders = (em: EntityManager) => ({
  paymentById: entityByIdLoader<Payment>(em, Payment),
  /** An order's payment attempts, newest first. */
  paymentsByOrderId: groupedLoader<string, Payment>(
    (orderIds) =>
      em.find(Payment, { orderId: { $in: [...orderIds] } }, { orderBy: { createdAt: 'desc', id: 'desc' } }),
    (payment) => payment.orderId,
  ),
  /** Wallets that exist already; `WalletService.openWallet` opens a missing one. */
  walletByUserId: groupedLoader<string, Wallet>(
    (userIds) => em.find(Wallet, { userId: { $in: [...userIds] } }),
    (wallet) => wallet.userId,
  ),
});

export interface PaymentServices {
  wallets: WalletService;
  orderPayments: OrderPaymentService;
  /** The saga workers, set when they start (tests apply events through `events.consumer`). */
  events?: EventWorkers;
}

export type PaymentContext = SubgraphContext<ReturnType<typeof createLoaders>, PaymentServices>;
