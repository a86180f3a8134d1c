import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { enqueueEvent, money, notFound, sleep, type Money, type ServiceMetrics } from '@marketplace/platform';
import {
  CANCELLED_ORDER_STATUS,
  insufficientFunds,
  orderNotPayable,
  payOrderRefusal,
} from './domain/payability';
import { paymentStateMachine } from './domain/payment-state';
import { InsufficientFundsError } from './domain/wallet';
import { PayableOrder } from './entities/payable-order.entity';
import { Payment } from './entities/payment.entity';
import { paymentRefundedEvent, paymentSucceededEvent } from './events/payment-events';
import type { WalletService } from './wallet.service';

/** What the service needs of a caller: an EntityManager fork of its own (may be in a transaction). */
export interface OrderPaymentContext {
  em: EntityManager;
}

/** What an `OrderPlaced` event tells this service. */
export interface PlacedOrder {
  orderId: string;
  userId: string;
  total: Money;
  /** The event's per-order version. */
  version: number;
}

export interface OrderPaymentOptions {
  /** Counts refused payments (`marketplace_payment_failures_total`), once the refusal has committed. */
  metrics?: ServiceMetrics;
  /** The namespaced topic payment events are published to (`namespaced(config, TOPICS.payment)`). */
  eventsTopic: string;
  /** The shop currency (`config.currency`), the only one wallets hold. */
  currency: string;
  /**
   * How long {@link OrderPaymentService.awaitPayableOrder} waits for the payable-order read model
   * to catch up with the order service (`PAYMENT_ORDER_SYNC_WAIT_MS`).
   */
  readModelWaitMs: number;
  /**
   * Whether an order exists at the order service, as the caller sees it (`null`: cannot say), so
   * an order this service never heard of is `NOT_FOUND` at once instead of after the wait.
   */
  orderExists?: (
    orderId: string,
    authorization: string | null,
    signal?: AbortSignal,
  ) => Promise<boolean | null>;
}

/** Read-model states that may only mean "the order's events have not arrived yet". */
const MAYBE_BEHIND: ReadonlySet<string | undefined> = new Set([undefined, 'PENDING']);
/** Pause between two looks at the read model while waiting for it. */
const READ_MODEL_POLL_MS = 25;

const FAILED_PAYMENT_REASON = 'Insufficient funds';

/** The outcome of the payment transaction; a refusal that leaves a record is thrown after commit. */
type PayOutcome = { payment: Payment } | { payment: Payment; refusal: InsufficientFundsError };

/**
 * The payment step of the order saga. It keeps a read model of payable orders from the order
 * events, charges an order once from its buyer's wallet (`payOrder`), and refunds the charge when
 * the order is cancelled. Paying and cancelling one order both take the payable order's row lock,
 * so a charge can never stick to a cancelled order: either the cancellation came first and the
 * payment is refused, or the payment came first and the cancellation refunds it.
 */
export class OrderPaymentService {
  constructor(
    private readonly wallets: WalletService,
    private readonly options: OrderPaymentOptions,
  ) {}

  /** Records a newly placed order as `PENDING`; false when it was known already. */
  async recordPlaced(context: OrderPaymentContext, order: PlacedOrder): Promise<boolean> {
    const now = new Date();
    const result = await context.em
      .createQueryBuilder(PayableOrder)
      .insert({
        orderId: order.orderId,
        userId: order.userId,
        amount: order.total.amount,
        currency: order.total.currency,
        status: 'PENDING',
        orderVersion: order.version,
        updatedAt: now,
      })
      .onConflict('orderId')
      .ignore()
      .execute('run');
    return result.affectedRows > 0;
  }

  /**
   * Moves a payable order to the status an `OrderStatusChanged` announced, unless a newer event
   * was applied already (`version` not above the stored one) or the order is cancelled (final).
   * Returns false when nothing changed.
   */
  async recordStatusChange(
    context: OrderPaymentContext,
    orderId: string,
    status: string,
    version: number,
  ): Promise<boolean> {
    const result = await context.em
      .createQueryBuilder(PayableOrder)
      .update({ status, orderVersion: version, updatedAt: new Date() })
      .where({
        orderId,
        orderVersion: { $lt: version },
        status: { $ne: CANCELLED_ORDER_STATUS },
      })
      .execute('run');
    return result.affectedRows > 0;
  }

  /**
   * Marks an order cancelled and, when it was charged, refunds the charge to the wallet (once per
   * payment), marks the payment `REFUNDED` and enqueues `PaymentRefunded` — all in the caller's
   * transaction, under the payable order's row lock. Returns the refunded payment, if any, and
   * whether the order was known at all.
   */
  async recordCancellation(
    context: OrderPaymentContext,
    orderId: string,
    version: number,
  ): Promise<{ known: boolean; refunded: Payment | null }> {
    return context.em.transactional(async (em) => {
      const payable = await em.findOne(
        PayableOrder,
        { orderId },
        { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true },
      );
      if (!payable) return { known: false, refunded: null };
      payable.status = CANCELLED_ORDER_STATUS;
      payable.orderVersion = Math.max(payable.orderVersion, version);
      const charged = await em.findOne(Payment, { orderId, status: 'SUCCEEDED' }, { refresh: true });
      if (!charged) return { known: true, refunded: null };
      await this.wallets.credit({ em }, charged.userId, charged.amount, charged.id);
      paymentStateMachine.transition(charged, 'REFUNDED');
      enqueueEvent(em, this.options.eventsTopic, paymentRefundedEvent(charged));
      return { known: true, refunded: charged };
    });
  }

  /**
   * The payable order `orderId` (a parsed id), once the read model has caught up: the payable-order
   * read model follows the order's events, so it can trail the order service by a few
   * milliseconds, and a client that just saw its order become AWAITING_PAYMENT may pay before
   * this service heard of it. An unknown or PENDING order is therefore given a bounded moment
   * (`readModelWaitMs`) to catch up; every other state is final enough to answer at once. An order
   * unknown here that the order service does not know either (`orderExists`, asked as the caller)
   * is `NOT_FOUND` at once; unknown after the wait, too. `payOrder`'s resolver authorizes the
   * buyer with it.
   */
  async awaitPayableOrder(
    context: OrderPaymentContext & { authorization?: string | null; signal?: AbortSignal },
    orderId: string,
  ): Promise<PayableOrder> {
    const deadline = Date.now() + this.options.readModelWaitMs;
    const em = context.em.fork();
    let askedOrderService = false;
    for (;;) {
      const payable = await em.findOne(PayableOrder, { orderId }, { refresh: true });
      if (!payable && !askedOrderService && this.options.orderExists) {
        askedOrderService = true;
        const exists = await this.options.orderExists(orderId, context.authorization ?? null, context.signal);
        if (exists === false) throw notFound('Order', orderId);
      }
      if (!MAYBE_BEHIND.has(payable?.status) || Date.now() >= deadline) {
        if (!payable) throw notFound('Order', orderId);
        return payable;
      }
      await sleep(READ_MODEL_POLL_MS);
    }
  }

  /**
   * Pays for an order from its buyer's wallet; the caller has authorized the buyer (an order's
   * buyer never changes). Not `AWAITING_PAYMENT`: `BAD_USER_INPUT` with reason
   * `ORDER_NOT_PAYABLE`; a balance below the order total: `BAD_USER_INPUT` with reason
   * `INSUFFICIENT_FUNDS` (nothing is charged, a `FAILED` attempt is recorded and the order stays
   * payable). Idempotent: once the order is charged, every further call returns that payment.
   */
  async payOrder(context: OrderPaymentContext, orderId: string): Promise<Payment> {
    const outcome = await context.em.transactional(async (em): Promise<PayOutcome> => {
      // The lock makes concurrent submits of one order wait for each other, and for a cancellation.
      const payable = await em.findOne(
        PayableOrder,
        { orderId },
        { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true },
      );
      if (!payable) throw notFound('Order', orderId);
      const charged = await em.findOne(Payment, { orderId, status: 'SUCCEEDED' }, { refresh: true });
      // A repeated submit (also one arriving after the order moved on to PAID) gets the same payment.
      if (charged && payable.status !== CANCELLED_ORDER_STATUS) return { payment: charged };
      const refusal = payOrderRefusal(payable.status);
      if (refusal) throw orderNotPayable(refusal);
      return this.charge(em, payable);
    });
    if ('refusal' in outcome) {
      this.options.metrics?.paymentFailures.inc({ reason: 'INSUFFICIENT_FUNDS' });
      const { currency } = outcome.payment;
      throw insufficientFunds(
        money(outcome.refusal.balance, currency),
        money(outcome.refusal.requested, currency),
      );
    }
    return outcome.payment;
  }

  private async charge(em: EntityManager, payable: PayableOrder): Promise<PayOutcome> {
    if (payable.currency !== this.options.currency) {
      throw new Error(
        `Order ${payable.orderId} is in ${payable.currency}, but wallets hold ${this.options.currency}`,
      );
    }
    const payment = new Payment(payable.orderId, payable.userId, payable.amount, payable.currency);
    try {
      await this.wallets.debit({ em }, payable.userId, payable.amount, payment.id);
    } catch (error) {
      if (!(error instanceof InsufficientFundsError)) throw error;
      paymentStateMachine.transition(payment, 'FAILED');
      payment.failureReason = FAILED_PAYMENT_REASON;
      em.persist(payment);
      return { payment, refusal: error };
    }
    paymentStateMachine.transition(payment, 'SUCCEEDED');
    em.persist(payment);
    enqueueEvent(em, this.options.eventsTopic, paymentSucceededEvent(payment));
    return { payment };
  }
}
