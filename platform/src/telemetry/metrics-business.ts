import type { ServiceMetrics } from './metrics';

/** The fields of a published event the business counters read (see the event catalogue). */
interface PublishedEvent {
  type?: unknown;
  payload?: {
    reason?: unknown;
    total?: { amount?: unknown; currency?: unknown };
  };
}

const label = (value: unknown, fallback = 'unknown'): string =>
  typeof value === 'string' && value.length > 0 ? value.slice(0, 50) : fallback;

/**
 * Counts the business events among those the outbox relay published: an outbox row commits with
 * its state change, so a published event is a committed fact (orders placed, paid with their
 * revenue, cancelled by reason, checkouts out of stock). Counting at publish — never in a handler
 * that may roll back — counts each once; a relay that crashed between send and mark re-sends, and
 * would count that batch again (rare, and visible as a duplicate on the consumers).
 */
export function countBusinessEvent(metrics: ServiceMetrics, event: unknown): void {
  const { type, payload } = (event ?? {}) as PublishedEvent;
  switch (type) {
    case 'OrderPlaced':
      return void metrics.ordersPlaced.inc();
    case 'OrderPaid': {
      metrics.ordersPaid.inc();
      const amount = payload?.total?.amount;
      if (typeof amount === 'number' && amount > 0) {
        metrics.revenue.inc({ currency: label(payload?.total?.currency) }, amount);
      }
      return;
    }
    case 'OrderCancelled':
      return void metrics.ordersCancelled.inc({ reason: label(payload?.reason) });
    case 'StockReservationFailed':
      return void metrics.stockOuts.inc({ reason: label(payload?.reason) });
  }
}
