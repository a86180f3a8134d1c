import { DomainError } from '@marketplace/platform';
import { insufficientFunds, orderNotPayable, payOrderRefusal } from './payability';

describe('payability of an order', () => {
  it('lets only an order awaiting payment be paid for', () => {
    expect(payOrderRefusal('AWAITING_PAYMENT')).toBeNull();
  });

  it.each([
    ['PENDING', 'Order is PENDING: stock is still being reserved'],
    ['PAID', 'Order is PAID: it has already been paid for'],
    ['SHIPPED', 'Order is SHIPPED: it has already been paid for'],
    ['DELIVERED', 'Order is DELIVERED: it has already been paid for'],
    ['CANCELLED', 'Order is CANCELLED'],
    ['ON_HOLD', 'Order is ON_HOLD'],
  ])('refuses an order that is %s, naming the status', (status, message) => {
    expect(payOrderRefusal(status)).toBe(message);
  });

  it('builds domain errors that carry the refusal reason', () => {
    const notPayable = orderNotPayable('Order is CANCELLED');
    expect(notPayable).toBeInstanceOf(DomainError);
    expect(notPayable).toMatchObject({
      code: 'BAD_USER_INPUT',
      details: { field: 'orderId', reason: 'ORDER_NOT_PAYABLE' },
    });
    const error = insufficientFunds({ amount: 100, currency: 'RUB' }, { amount: 250, currency: 'RUB' });
    expect(error.message).toBe('Insufficient funds: balance 100, order total 250');
    expect(error).toMatchObject({
      code: 'BAD_USER_INPUT',
      details: {
        field: 'orderId',
        reason: 'INSUFFICIENT_FUNDS',
        balance: { amount: 100, currency: 'RUB' },
        orderTotal: { amount: 250, currency: 'RUB' },
      },
    });
  });
});
