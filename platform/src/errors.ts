import { GraphQLError } from 'graphql';

/** Error codes a client can rely on (`extensions.code`). */
export type ClientErrorCode = 'BAD_USER_INPUT' | 'UNAUTHENTICATED' | 'FORBIDDEN' | 'NOT_FOUND';

function clientError(
  code: ClientErrorCode,
  message: string,
  extra: Record<string, unknown> = {},
): GraphQLError {
  return new GraphQLError(message, { extensions: { code, ...extra } });
}

/** The input is malformed or out of range; `field` names the offending argument. */
export const badUserInput = (message: string, field?: string): GraphQLError =>
  clientError('BAD_USER_INPUT', message, field ? { field } : {});

export const unauthenticated = (message = 'You must be signed in'): GraphQLError =>
  clientError('UNAUTHENTICATED', message, { http: { status: 401 } });

export const forbidden = (message = 'You are not allowed to do this'): GraphQLError =>
  clientError('FORBIDDEN', message);

export const notFound = (typeName: string, id: string): GraphQLError =>
  clientError('NOT_FOUND', `${typeName} ${id} was not found`, { typeName, id });

export const CLIENT_ERROR_CODES: ReadonlySet<string> = new Set([
  'BAD_USER_INPUT',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'GRAPHQL_VALIDATION_FAILED',
  'GRAPHQL_PARSE_FAILED',
  'PERSISTED_QUERY_NOT_FOUND',
  'OPERATION_RESOLUTION_FAILURE',
  'BAD_REQUEST',
]);
