import { lagOf } from '../events/consumer-lag';
import { ServiceMetrics } from './metrics';
import { countBusinessEvent } from './metrics-business';
import { BoundedLabel, OTHER_LABEL } from './metrics-labels';
import { outcomeOf } from './metrics-plugin';
import { parsePrometheusText, sampleSum } from './metrics-text';

describe('ServiceMetrics', () => {
  it('keeps one registry per instance, so two services in one process count apart', async () => {
    const order = new ServiceMetrics('order');
    const payment = new ServiceMetrics('payment');
    order.ordersPlaced.inc();
    order.ordersPlaced.inc();
    payment.ordersPlaced.inc();

    const orderText = parsePrometheusText(await order.render());
    const paymentText = parsePrometheusText(await payment.render());
    expect(sampleSum(orderText, 'marketplace_orders_placed_total', { service: 'order' })).toBe(2);
    expect(sampleSum(paymentText, 'marketplace_orders_placed_total', { service: 'payment' })).toBe(1);
  });

  it('exports the default Node.js metrics and event-loop utilisation with the service label', async () => {
    const families = parsePrometheusText(await new ServiceMetrics('user').render());
    expect(families.get('nodejs_heap_size_used_bytes')?.samples[0].labels.service).toBe('user');
    expect(families.get('nodejs_eventloop_lag_seconds')?.type).toBe('gauge');
    const utilization = sampleSum(families, 'marketplace_event_loop_utilization');
    expect(utilization).toBeGreaterThanOrEqual(0);
    expect(utilization).toBeLessThanOrEqual(1);
  });

  it('takes every probe at scrape time, and a failing probe costs only its own reading', async () => {
    const metrics = new ServiceMetrics('order');
    let backlog = 3;
    metrics.addProbe(() => metrics.outboxUnpublished.set(backlog));
    metrics.addProbe(() => {
      throw new Error('database away');
    });
    expect(sampleSum(parsePrometheusText(await metrics.render()), 'marketplace_outbox_unpublished')).toBe(3);
    backlog = 0;
    expect(sampleSum(parsePrometheusText(await metrics.render()), 'marketplace_outbox_unpublished')).toBe(0);
  });
});

describe('BoundedLabel', () => {
  it('passes the first names through and buckets every later one as other', () => {
    const label = new BoundedLabel(2);
    expect([label.of('A'), label.of('B'), label.of('C'), label.of('A')]).toEqual([
      'A',
      'B',
      OTHER_LABEL,
      'A',
    ]);
  });

  it('cuts a long name', () => {
    expect(new BoundedLabel(5).of('x'.repeat(500))).toHaveLength(100);
  });

  it('names an operation without a name anonymous', () => {
    expect(new ServiceMetrics('gateway').operationLabel(undefined)).toBe('anonymous');
  });
});

describe('outcomeOf', () => {
  it('is ok without errors, the first code otherwise, and internal for an error without one', () => {
    expect(outcomeOf(undefined)).toBe('ok');
    expect(outcomeOf([{ message: 'x', extensions: { code: 'NOT_FOUND' } }, { message: 'y' }])).toBe(
      'NOT_FOUND',
    );
    expect(outcomeOf([{ message: 'x' }])).toBe('INTERNAL_SERVER_ERROR');
  });
});

describe('lagOf', () => {
  it('is the high watermark minus the committed offset', () => {
    expect(lagOf(7, 0, 10)).toBe(3);
    expect(lagOf(10, 0, 10)).toBe(0);
  });

  it('counts everything retained for a group that starts at the beginning and has not committed', () => {
    expect(lagOf(-1, 4, 10)).toBe(6);
  });

  it('counts nothing for a group that starts at the end and has not committed', () => {
    expect(lagOf(-1, 4, 10, 'end')).toBe(0);
  });
});

describe('countBusinessEvent', () => {
  it('counts orders placed, paid with their revenue, cancelled by reason, and stock-outs', async () => {
    const metrics = new ServiceMetrics('order');
    countBusinessEvent(metrics, { type: 'OrderPlaced', payload: {} });
    countBusinessEvent(metrics, {
      type: 'OrderPaid',
      payload: { total: { amount: 12_345, currency: 'RUB' } },
    });
    countBusinessEvent(metrics, { type: 'OrderCancelled', payload: { reason: 'OUT_OF_STOCK' } });
    countBusinessEvent(metrics, { type: 'StockReservationFailed', payload: { reason: 'OUT_OF_STOCK' } });
    countBusinessEvent(metrics, { type: 'OrderShipped', payload: {} });
    countBusinessEvent(metrics, 'not an event');

    const families = parsePrometheusText(await metrics.render());
    expect(sampleSum(families, 'marketplace_orders_placed_total')).toBe(1);
    expect(sampleSum(families, 'marketplace_orders_paid_total')).toBe(1);
    expect(sampleSum(families, 'marketplace_revenue_minor_units_total', { currency: 'RUB' })).toBe(12_345);
    expect(sampleSum(families, 'marketplace_orders_cancelled_total', { reason: 'OUT_OF_STOCK' })).toBe(1);
    expect(sampleSum(families, 'marketplace_stock_outs_total', { reason: 'OUT_OF_STOCK' })).toBe(1);
  });
});

describe('parsePrometheusText', () => {
  it('reads families, labels with escapes, and histogram series', () => {
    const families = parsePrometheusText(
      [
        '# HELP h_seconds A histogram',
        '# TYPE h_seconds histogram',
        'h_seconds_bucket{le="0.1",op="a\\"b"} 1',
        'h_seconds_bucket{le="+Inf",op="a\\"b"} 2',
        'h_seconds_sum{op="a\\"b"} 0.3',
        'h_seconds_count{op="a\\"b"} 2',
        '',
      ].join('\n'),
    );
    expect(families.get('h_seconds')?.samples).toHaveLength(4);
    expect(sampleSum(families, 'h_seconds_count', { op: 'a"b' })).toBe(2);
  });

  it.each([
    ['a sample without a TYPE', 'x_total 1'],
    ['a sample of another family', '# TYPE a counter\nb 1'],
    ['a bad value', '# TYPE a gauge\na one'],
    ['unquoted labels', '# TYPE a gauge\na{x=1} 1'],
    ['an unknown type', '# TYPE a meter'],
  ])('refuses %s', (_case, text) => {
    expect(() => parsePrometheusText(text)).toThrow();
  });
});
