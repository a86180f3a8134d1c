import { unwrapResolverError } from '@apollo/server/errors';
import type { GraphQLFormattedError } from 'graphql';
import { CLIENT_ERROR_CODES, DomainError, toGraphQLError } from './errors';
import type { Logger } from './logger';

/**
 * A call to another service failed there, and that service has already logged it (it answered
 * `INTERNAL_SERVER_ERROR`): the caller reports it to its client as internal, without a second
 * error-level log line for the same failure.
 */
export class UpstreamError extends Error {
  override readonly name: string = 'UpstreamError';
}

/** Extensions that can carry internals (a subgraph's address and raw body, a stack, which subgraph). */
const INTERNAL_EXTENSIONS = new Set(['response', 'stacktrace', 'exception', 'serviceName', 'http']);
/** An address in a message that passes through (e.g. a data source's `request to http://…/graphql failed`). */
const ADDRESS = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'()<>,]+/gi;

const NUL = '\u0000';
/** PostgreSQL: `character_not_in_repertoire` (NUL in SQL text), `untranslatable_character` (`\u0000` in jsonb). */
const UNSTORABLE_TEXT_STATES = new Set(['22021', '22P05']);

/**
 * Text the database cannot store: a NUL character reached the SQL (as a parameter pg fails the
 * whole message, `08P01`, with the NUL inlined in MikroORM's error message). The gateway refuses
 * NUL in every input before planning; this is the safety net for a subgraph called directly.
 */
function isUnstorableText(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const { code } = error as { code?: unknown };
  return (typeof code === 'string' && UNSTORABLE_TEXT_STATES.has(code)) || error.message.includes(NUL);
}

const withoutInternals = (extensions: GraphQLFormattedError['extensions']): Record<string, unknown> =>
  Object.fromEntries(Object.entries(extensions ?? {}).filter(([key]) => !INTERNAL_EXTENSIONS.has(key)));

/**
 * The one error mapping, of the gateway and of every subgraph: a {@link DomainError} becomes the
 * client error it names; an error with a client code ({@link CLIENT_ERROR_CODES}) passes with its
 * message, stripped of anything internal (`extensions.response` with a subgraph's URL and body,
 * stacks, addresses in the message); anything else reaches the client as a bare
 * `INTERNAL_SERVER_ERROR`. An internal error is logged once, where it happened: a subgraph's own
 * failure passed on by the gateway, or by a service client as an {@link UpstreamError}, is only
 * logged at debug level by the caller.
 */
export function maskInternalErrors(log: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    const { locations, path } = formatted;
    if (original instanceof DomainError) {
      const { message, extensions } = toGraphQLError(original);
      return { message, locations, path, extensions };
    }
    if (isUnstorableText(original)) {
      return {
        message: 'Text must not contain a NUL character',
        locations,
        path,
        extensions: { code: 'BAD_USER_INPUT' },
      };
    }
    const code = formatted.extensions?.code;
    if (typeof code === 'string' && CLIENT_ERROR_CODES.has(code)) {
      const message = formatted.message.replace(ADDRESS, '[internal address]');
      return { message, locations, path, extensions: withoutInternals(formatted.extensions) };
    }
    const loggedWhereItHappened =
      original instanceof UpstreamError ||
      (code === 'INTERNAL_SERVER_ERROR' && typeof formatted.extensions?.serviceName === 'string');
    if (loggedWhereItHappened) log.debug({ err: original, path }, 'internal error of a called service');
    else log.error({ err: original, path }, 'internal error');
    return {
      message: 'Internal server error',
      locations,
      path,
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    };
  };
}
