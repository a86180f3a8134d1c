import { GraphQLError } from 'graphql';
import { illegalTransition, toClientError } from './order-errors';
import { CancellationReasonError, IllegalTransitionError } from './order-state';

describe('order client errors', () => {
  it('says which status stops a cancellation', () => {
    const error = illegalTransition('SHIPPED', 'CANCELLED');
    expect(error.message).toBe('The order cannot be cancelled: it is already SHIPPED');
    expect(error.extensions).toEqual({
      code: 'BAD_USER_INPUT',
      reason: 'ILLEGAL_TRANSITION',
      status: 'SHIPPED',
      requestedStatus: 'CANCELLED',
    });
  });

  it('turns the state machine errors into BAD_USER_INPUT / ILLEGAL_TRANSITION', () => {
    for (const error of [
      new IllegalTransitionError('AWAITING_PAYMENT', 'SHIPPED'),
      new CancellationReasonError('CANCELLED', null),
    ]) {
      const mapped = toClientError(error);
      expect(mapped).toBeInstanceOf(GraphQLError);
      expect(mapped).toMatchObject({
        extensions: { code: 'BAD_USER_INPUT', reason: 'ILLEGAL_TRANSITION' },
      });
    }
    expect(toClientError(new IllegalTransitionError('AWAITING_PAYMENT', 'SHIPPED'))).toMatchObject({
      message: 'The order cannot change from AWAITING_PAYMENT to SHIPPED',
    });
  });

  it('leaves every other error alone', () => {
    const failure = new Error('database is down');
    expect(toClientError(failure)).toBe(failure);
  });
});
