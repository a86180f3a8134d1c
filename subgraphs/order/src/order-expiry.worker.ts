import { LockMode } from '@mikro-orm/core';
import type { Logger, Orm, Worker } from '@marketplace/platform';
import { Order } from './entities/order.entity';
import type { OrderLifecycle } from './order-lifecycle';

export interface OrderExpiryOptions {
  /** Unpaid orders older than this many minutes are cancelled. */
  paymentTimeoutMinutes: number;
  /** Pause between sweeps in ms; `0` runs no background sweep (`sweepExpired` still works). */
  sweepIntervalMs: number;
  /** Orders cancelled per transaction. */
  batchSize: number;
}

/**
 * Cancels orders that stayed unpaid (PENDING or AWAITING_PAYMENT) longer than the payment
 * timeout, with reason PAYMENT_TIMEOUT and the usual history and events.
 *
 * Safe with any number of replicas: each batch is claimed with `select … for update skip locked`,
 * so two sweepers never wait for each other and never pick the same order; the row lock also
 * serialises a sweep with a payment or cancellation racing on the same order, and the status
 * filter is re-checked under the lock, so an order paid meanwhile is left alone.
 */
export class OrderExpiryWorker implements Worker {
  readonly name = 'order-expiry';
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private sweeping: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly orm: Orm,
    private readonly lifecycle: OrderLifecycle,
    private readonly options: OrderExpiryOptions,
    private readonly log: Logger,
  ) {}

  async start(): Promise<void> {
    if (this.options.sweepIntervalMs <= 0) return;
    this.running = true;
    this.schedule();
  }

  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    await this.sweeping;
  }

  /**
   * Cancels every order unpaid for longer than the timeout at `now`, batch by batch (one
   * transaction per batch, so locks are short). Returns how many this call cancelled.
   */
  async sweepExpired(now = new Date()): Promise<number> {
    const cutoff = new Date(now.getTime() - this.options.paymentTimeoutMinutes * 60_000);
    let cancelled = 0;
    for (;;) {
      const batch = await this.orm.em.fork().transactional(async (em) => {
        const orders = await em.find(
          Order,
          { status: { $in: ['PENDING', 'AWAITING_PAYMENT'] }, createdAt: { $lt: cutoff } },
          {
            lockMode: LockMode.PESSIMISTIC_PARTIAL_WRITE,
            orderBy: { createdAt: 'asc', id: 'asc' },
            limit: this.options.batchSize,
          },
        );
        for (const order of orders) this.lifecycle.transition(em, order, 'CANCELLED', 'PAYMENT_TIMEOUT', now);
        return orders.length;
      });
      cancelled += batch;
      // A short batch means nothing is left that another sweeper has not claimed.
      if (batch < this.options.batchSize) break;
    }
    if (cancelled > 0) this.log.info({ cancelled, cutoff }, 'expired unpaid orders cancelled');
    return cancelled;
  }

  private schedule(): void {
    if (!this.running) return;
    this.timer = setTimeout(() => {
      this.sweeping = this.sweepExpired()
        .catch((error: unknown) => this.log.error({ err: error }, 'order expiry sweep failed'))
        .finally(() => this.schedule());
    }, this.options.sweepIntervalMs);
  }
}
