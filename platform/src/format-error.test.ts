import { DriverException } from '@mikro-orm/core';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { DatabaseError } from 'pg';
import { maskInternalErrors, UpstreamError } from './format-error';
import { capturingLogger } from './testing';

const ERROR_LEVEL = 50;

/** A `formatError` whose log lines are kept. */
function formatter() {
  const { log, lines } = capturingLogger('format-test');
  const errorLines = () => lines.filter((line) => line.level >= ERROR_LEVEL);
  return { format: maskInternalErrors(log), errorLines };
}

const asResolverError = (original: Error): GraphQLError =>
  new GraphQLError(original.message, { path: ['field'], originalError: original });
const internal = (error: GraphQLError): GraphQLFormattedError => ({
  message: error.message,
  path: ['field'],
  extensions: { code: 'INTERNAL_SERVER_ERROR' },
});

/** A subgraph's refusal as the gateway's data source passes it on after an HTTP error. */
const fromDataSource: GraphQLFormattedError = {
  message: 'You must be signed in (request to http://127.0.0.1:40123/graphql)',
  path: ['deliveries'],
  extensions: {
    code: 'UNAUTHENTICATED',
    serviceName: 'delivery',
    response: { url: 'http://127.0.0.1:40123/graphql', status: 401, body: { errors: [] } },
    stacktrace: ['GraphQLError: …', 'at RemoteGraphQLDataSource.errorFromResponse'],
  },
};

describe('the one formatError', () => {
  it('passes a client error with its message, without the address, body, stack or service behind it', () => {
    const { format } = formatter();
    expect(format(fromDataSource, new GraphQLError(fromDataSource.message))).toEqual({
      message: 'You must be signed in (request to [internal address])',
      path: ['deliveries'],
      extensions: { code: 'UNAUTHENTICATED' },
    });
  });

  it.each(['QUERY_TOO_COMPLEX', 'RATE_LIMITED', 'SERVICE_UNAVAILABLE', 'BAD_REQUEST'])(
    'passes the edge refusal %s',
    (code) => {
      const { format } = formatter();
      const formatted = { message: 'refused', extensions: { code, limit: 'depth' } };
      expect(format(formatted, new GraphQLError('refused'))).toEqual(formatted);
    },
  );

  it('answers text the database cannot store (a NUL that got past the edge) with BAD_USER_INPUT', () => {
    const { format, errorLines } = formatter();
    const database = new DatabaseError(
      'insert into "carts" ("note") values (\'a\u0000b\') - invalid message format',
      81,
      'error',
    );
    database.code = '08P01';
    const error = asResolverError(new DriverException(database));
    expect(format(internal(error), error)).toEqual({
      message: 'Text must not contain a NUL character',
      path: ['field'],
      extensions: { code: 'BAD_USER_INPUT' },
    });
    expect(errorLines()).toEqual([]);
  });

  it('logs an internal error once where it happened, not again at each hop', () => {
    const { format, errorLines } = formatter();
    // Where it happened: logged at error level, the client sees only the code.
    const own = asResolverError(new Error('relation "orders" does not exist'));
    expect(format(internal(own), own)).toEqual({
      message: 'Internal server error',
      path: ['field'],
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });
    expect(errorLines()).toHaveLength(1);

    // The gateway passing a subgraph's internal error on, and a service client reporting its callee's.
    const downstream: GraphQLFormattedError = {
      message: 'Internal server error',
      path: ['me', 'orders'],
      extensions: { code: 'INTERNAL_SERVER_ERROR', serviceName: 'order' },
    };
    expect(format(downstream, new GraphQLError('Internal server error')).extensions).toEqual({
      code: 'INTERNAL_SERVER_ERROR',
    });
    const upstream = asResolverError(new UpstreamError('product service failed: Internal server error'));
    expect(format(internal(upstream), upstream).message).toBe('Internal server error');
    expect(errorLines()).toHaveLength(1);
    expect(errorLines()[0].level).toBe(ERROR_LEVEL);
  });
});
