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
 * so they are GraphQL errors from the start. A resolver's refusal is an ordinary GraphQL error in
 * an HTTP 200 answer (GraphQL over HTTP): a subgraph never answers a non-2xx for it, so the gateway
 * passes the subgraph's own message on instead of an HTTP failure carrying the subgraph's address.
 */
export const unauthenticated = (message = 'You must be signed in'): GraphQLError =>
  new GraphQLError(message, { extensions: { code: 'UNAUTHENTICATED' } });

/** The request's token itself is refused (malformed, forged, expired): HTTP 401 before any resolver. */
export const rejectedToken = (message: string): GraphQLError =>
  new GraphQLError(message, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });

/**
 * The request itself is malformed (no operation to run, a subscription over HTTP): HTTP 400
 * `BAD_REQUEST`, before any resolver or subgraph runs.
 */
export const badRequest = (message: string): GraphQLError =>
  new GraphQLError(message, { extensions: { code: 'BAD_REQUEST', http: { status: 400 } } });

export const forbidden = (message = 'You are not allowed to do this'): GraphQLError =>
  new GraphQLError(message, { extensions: { code: 'FORBIDDEN' } });

/** The one mapping from a domain refusal to the client's error. */
export const toGraphQLError = (error: DomainError): GraphQLError =>
  new GraphQLError(error.message, { extensions: { ...error.details, code: error.code } });

/**
 * The one list of codes that reach a client with their message (the gateway's and every
 * subgraph's `formatError`, and a `ServiceClient` re-raising a callee's refusal): the
 * client's mistakes, the edge's refusals and an unavailable dependency. Anything else is
 * `INTERNAL_SERVER_ERROR` with a generic message.
 */
export const CLIENT_ERROR_CODES: ReadonlySet<string> = new Set([
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'QUERY_TOO_COMPLEX',
  'RATE_LIMITED',
  'SERVICE_UNAVAILABLE',
  'GRAPHQL_VALIDATION_FAILED',
  'GRAPHQL_PARSE_FAILED',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
]);
