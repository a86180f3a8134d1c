import { GraphQLError } from 'graphql';
import { badUserInput, DomainError, notFound } from './errors';
import { createLogger } from './logger';
import { maskInternalErrors } from './format-error';

const format = maskInternalErrors(createLogger('errors-test', 'silent'));
const asResolverError = (original: Error): GraphQLError =>
  new GraphQLError(original.message, { path: ['field'], originalError: original });
const formatted = (error: GraphQLError) =>
  format({ message: error.message, path: ['field'], extensions: { code: 'INTERNAL_SERVER_ERROR' } }, error);

describe('the one error mapping of a subgraph', () => {
  it('turns a domain refusal into the client error it names, details as extensions', () => {
    const refusal = badUserInput('The order cannot be cancelled: it is already SHIPPED', 'id', {
      reason: 'ILLEGAL_TRANSITION',
    });
    expect(refusal).toBeInstanceOf(DomainError);
    expect(formatted(asResolverError(refusal))).toEqual({
      message: 'The order cannot be cancelled: it is already SHIPPED',
      path: ['field'],
      extensions: { code: 'BAD_USER_INPUT', field: 'id', reason: 'ILLEGAL_TRANSITION' },
    });
    expect(formatted(asResolverError(notFound('Order', 'o1'))).extensions).toEqual({
      code: 'NOT_FOUND',
      typeName: 'Order',
      id: 'o1',
    });
  });

  it('hides anything else behind INTERNAL_SERVER_ERROR without its message', () => {
    const result = formatted(asResolverError(new Error('relation "orders" does not exist: select * …')));
    expect(result).toEqual({
      message: 'Internal server error',
      path: ['field'],
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });
  });
});
