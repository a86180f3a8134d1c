import { GraphQLError, type FormattedExecutionResult } from 'graphql';
import {
  badUserInput,
  bearerToken,
  forbidden,
  DomainError,
  notFound,
  parseId,
  toGraphQLError,
  unauthenticated,
  verifyToken,
  type Viewer,
} from '@marketplace/platform';

/** Who holds a socket, from its `connectionParams`: `viewer` is null for an anonymous socket. */
export interface ConnectionIdentity {
  viewer: Viewer | null;
  /** `Bearer <token>`, forwarded to the subgraphs when the gateway executes on the caller's behalf. */
  authorization: string | null;
}

/** A signed-in caller: what a subscription and its federated payloads run as. */
export interface Caller {
  viewer: Viewer;
  authorization: string;
}

/** Runs an operation through the gateway's own query planner as `caller`. */
export type ExecuteAsCaller = (
  query: string,
  variables: Record<string, unknown>,
  caller: Caller,
) => Promise<FormattedExecutionResult>;

export const ANONYMOUS: ConnectionIdentity = { viewer: null, authorization: null };

/**
 * Verifies the token of `connection_init`: `Authorization` or `authorization` (`Bearer <token>`), or
 * `token` (the bare token; a `Bearer ` prefix is accepted too). No token is an anonymous socket;
 * a malformed, invalid or expired one throws `UNAUTHENTICATED` (the socket is then closed with 4403).
 */
export function authenticateConnection(
  params: Readonly<Record<string, unknown>> | undefined,
  secret: string,
): ConnectionIdentity {
  const raw = params?.Authorization ?? params?.authorization ?? params?.token;
  if (raw === undefined || raw === null || raw === '') return ANONYMOUS;
  if (typeof raw !== 'string') throw unauthenticated('The token in connectionParams must be a string');
  const value = raw.trim();
  const authorization = /^bearer\s/i.test(value) ? value : `Bearer ${value}`;
  const viewer = verifyToken(bearerToken(authorization), secret);
  return viewer ? { viewer, authorization } : ANONYMOUS;
}

/** Milliseconds until the viewer's token expires (negative once it has). */
export const msUntilExpiry = (viewer: Viewer, now = Date.now()): number => viewer.expiresAt * 1_000 - now;

/** Every subscription needs a signed-in caller whose token is still valid. */
export function requireCaller(identity: ConnectionIdentity, now = Date.now()): Caller {
  const { viewer, authorization } = identity;
  if (!viewer || !authorization)
    throw unauthenticated('Sign in to subscribe: pass your token in connectionParams');
  if (msUntilExpiry(viewer, now) <= 0) throw unauthenticated('Token has expired');
  return { viewer, authorization };
}

export const ORDER_ACCESS_QUERY = 'query SubscriptionOrderAccess($id: ID!) { order(id: $id) { id } }';

/** `parseId` for the `orderId` argument, refusing a malformed one as a client error. */
function parseOrderId(orderId: string): string {
  try {
    return parseId(orderId, 'orderId');
  } catch (error) {
    throw error instanceof DomainError ? toGraphQLError(error) : error;
  }
}

/**
 * May `caller` follow order `orderId`? Asked of the order subgraph itself — through the gateway, as
 * the caller — whose `order` field applies the graph's one ownership rule (`mayAccess`: the owner
 * or an administrator), so the gateway holds no copy of it; the fan-out applies the same
 * `mayAccess` again to every event. Returns the normalised id; throws (as GraphQL errors)
 * `BAD_USER_INPUT` (malformed id), `NOT_FOUND`, `FORBIDDEN`, or an internal error when the order
 * service cannot answer.
 */
export async function checkOrderAccess(
  execute: ExecuteAsCaller,
  caller: Caller,
  orderId: string,
): Promise<string> {
  const id = parseOrderId(orderId);
  const result = await execute(ORDER_ACCESS_QUERY, { id }, caller);
  const codes = new Set((result.errors ?? []).map((error) => error.extensions?.code));
  if (codes.has('FORBIDDEN')) throw forbidden('You can only follow your own orders');
  if (codes.has('UNAUTHENTICATED')) throw unauthenticated();
  if (codes.has('BAD_USER_INPUT'))
    throw toGraphQLError(badUserInput('orderId must be a valid ID', 'orderId'));
  if (codes.size > 0) {
    throw new GraphQLError('Could not check access to the order; try again later', {
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });
  }
  const order = (result.data as { order?: { id: string } | null } | null | undefined)?.order;
  if (!order) throw toGraphQLError(notFound('Order', id));
  return id;
}
