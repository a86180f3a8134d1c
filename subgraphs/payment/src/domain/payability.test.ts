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

  it('builds client errors that carry the refusal reason', () => {
    expect(orderNotPayable('Order is CANCELLED').extensions).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'orderId',
      reason: 'ORDER_NOT_PAYABLE',
    });
    const error = insufficientFunds({ amount: 100, currency: 'RUB' }, { amount: 250, currency: 'RUB' });
    expect(error.message).toBe('Insufficient funds: balance 100, order total 250');
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'INSUFFICIENT_FUNDS' });
  });
});
