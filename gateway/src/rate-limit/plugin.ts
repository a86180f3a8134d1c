import type { ApolloServerPlugin } from '@apollo/server';
import type { GatewayContext } from '../context';
import { authFieldsOf, type AuthField } from './auth-fields';
import type { EdgeRateLimits } from './edge-limits';
import { rateLimitedError } from './refusal';

/** Did the answer refuse `login` at `responseKey` for bad credentials, or sign the user in? */
function loginOutcome(
  login: AuthField,
  data: Record<string, unknown> | null | undefined,
  errors: readonly { path?: readonly (string | number)[]; extensions?: Record<string, unknown> }[] = [],
): 'failed' | 'succeeded' | 'unknown' {
  const refused = errors.some(
    (error) => error.path?.[0] === login.responseKey && error.extensions?.code === 'UNAUTHENTICATED',
  );
  if (refused) return 'failed';
  return data?.[login.responseKey] ? 'succeeded' : 'unknown';
}

/**
 * The per-user and per-operation limits, after the operation is resolved and before it is
 * planned: a signed-in caller spends one operation of their budget; `login`/`register` fields
 * (one per alias) spend the IP's authentication budget and are refused while the account or the
 * IP is blocked for failed logins; the outcome of each login is recorded once it is answered.
 * Operations without a client IP — the gateway's own, rendering subscription payloads — are not
 * limited. A refusal is `RATE_LIMITED`, HTTP 429 with `Retry-After`.
 */
export function rateLimitPlugin(limits: EdgeRateLimits): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      let logins: AuthField[] = [];
      return {
        async didResolveOperation({ contextValue, operation, document, schema, request }) {
          const ip = contextValue.clientIp;
          if (!ip || !operation) return;
          if (contextValue.viewer) {
            const decision = await limits.operation(contextValue.viewer.userId);
            if (!decision.allowed) throw rateLimitedError(decision.retryAfterMs);
          }
          const fields = authFieldsOf(schema, document, operation, request.variables);
          if (fields.length === 0) return;
          const emails = fields.flatMap((field) => (field.email === undefined ? [] : [field.email]));
          const decision = await limits.authentication(ip, fields.length, emails);
          if (!decision.allowed) throw rateLimitedError(decision.retryAfterMs);
          logins = fields.filter((field) => field.email !== undefined);
        },
        async willSendResponse({ contextValue, response }) {
          const ip = contextValue.clientIp;
          if (!ip || logins.length === 0 || response.body.kind !== 'single') return;
          const { data, errors } = response.body.singleResult;
          await Promise.all(
            logins.map((login) => {
              const email = login.email ?? '';
              const outcome = loginOutcome(login, data, errors);
              if (outcome === 'failed') return limits.loginFailed(ip, email);
              if (outcome === 'succeeded') return limits.loginSucceeded(email);
              return undefined;
            }),
          );
        },
      };
    },
  };
}
