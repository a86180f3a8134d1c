import { LockMode, UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { notFound, parseId } from '@marketplace/platform';
import { assertPaymentTransition, type PaymentStatus } from './domain/payment-state';
import { assertPositiveAmount } from './domain/wallet';
import { Payment } from './entities/payment.entity';

/** What the service needs of a caller: an EntityManager fork of its own (may be in a transaction). */
export interface PaymentServiceContext {
  em: EntityManager;
}

export interface NewPayment {
  orderId: string;
  /** The buyer, whose wallet pays. */
  userId: string;
  /** Minor units, positive. */
  amount: number;
}

/** The order already has a successful (or refunded) payment: it is never charged twice. */
export class OrderAlreadyChargedError extends Error {
  constructor(readonly orderId: string) {
    super(`Order ${orderId} has already been charged`);
    this.name = 'OrderAlreadyChargedError';
  }
}

const MAX_FAILURE_REASON_LENGTH = 500;

/**
 * Payment attempts and their state machine. The saga that pays orders and refunds them builds on
 * these methods together with `WalletService.debit` / `credit`.
 */
export class PaymentService {
  /** @param currency ISO 4217 code payments are taken in (the shop currency, `config.currency`). */
  constructor(private readonly currency: string) {}

  /** Records a `PENDING` attempt to pay for an order. */
  async createPayment(context: PaymentServiceContext, input: NewPayment): Promise<Payment> {
    assertPositiveAmount(input.amount);
    const payment = new Payment(
      parseId(input.orderId, 'orderId'),
      parseId(input.userId, 'userId'),
      input.amount,
      this.currency,
    );
    await context.em.persistAndFlush(payment);
    return payment;
  }

  /**
   * Moves a payment along `domain/payment-state` under its row lock, so two concurrent changes
   * cannot both start from the same status. Throws `IllegalPaymentTransitionError` for a move the
   * state machine forbids, `OrderAlreadyChargedError` when another attempt for the same order has
   * already succeeded, and `NOT_FOUND` for an unknown payment. `failureReason` is kept for `FAILED`.
   */
  async changeStatus(
    context: PaymentServiceContext,
    paymentId: string,
    to: PaymentStatus,
    failureReason?: string,
  ): Promise<Payment> {
    const id = parseId(paymentId);
    try {
      return await context.em.transactional(async (em) => {
        const payment = await em.findOne(
          Payment,
          { id },
          { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true },
        );
        if (!payment) throw notFound('Payment', id);
        assertPaymentTransition(payment.status, to);
        payment.status = to;
        if (to === 'FAILED') {
          payment.failureReason = (failureReason?.trim() || 'Payment failed').slice(
            0,
            MAX_FAILURE_REASON_LENGTH,
          );
        }
        await em.flush();
        return payment;
      });
    } catch (error) {
      // Only the partial unique index on charged payments can be violated here.
      if (error instanceof UniqueConstraintViolationException) {
        const payment = await context.em.findOneOrFail(Payment, { id }, { refresh: true });
        throw new OrderAlreadyChargedError(payment.orderId);
      }
      throw error;
    }
  }
}
