import { GraphQLError } from 'graphql';

/** Error codes a client can rely on (`extensions.code`). */
export type ClientErrorCode = 'BAD_USER_INPUT' | 'UNAUTHENTICATED' | 'FORBIDDEN' | 'NOT_FOUND';

/**
 * A refusal of the domain: the client asked for something the rules do not allow (bad input, an
 * unknown record, an illegal state change). Pure code (`domain/`, services) throws these without
 * knowing about GraphQL; {@link toGraphQLError} is the one place that turns them into a client
 * error, with `code` and `details` as `extensions`. Anything that is not a `DomainError` (or a
 * `GraphQLError` with a client code) reaches clients as `INTERNAL_SERVER_ERROR`.
 */
export class DomainError extends Error {
  override readonly name: string = 'DomainError';

  constructor(
    readonly code: ClientErrorCode,
    message: string,
    /** Machine-readable facts for clients: `field`, `reason`, ids. */
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
  }
}

/** The input is malformed or out of range; `field` names the offending argument. */
export const badUserInput = (
  message: string,
  field?: string,
  details: Record<string, unknown> = {},
): DomainError => new DomainError('BAD_USER_INPUT', message, { ...(field ? { field } : {}), ...details });

export const notFound = (typeName: string, id: string): DomainError =>
  new DomainError('NOT_FOUND', `${typeName} ${id} was not found`, { typeName, id });

/**
 * Authentication and authorization are transport concerns (they come from the request's token),
 * so they are GraphQL errors from the start; `UNAUTHENTICATED` also sets HTTP 401.
 */
export const unauthenticated = (message = 'You must be signed in'): GraphQLError =>
  new GraphQLError(message, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });

export const forbidden = (message = 'You are not allowed to do this'): GraphQLError =>
  new GraphQLError(message, { extensions: { code: 'FORBIDDEN' } });

/** The one mapping from a domain refusal to the client's error. */
export const toGraphQLError = (error: DomainError): GraphQLError =>
  new GraphQLError(error.message, { extensions: { ...error.details, code: error.code } });

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
