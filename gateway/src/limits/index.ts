import type { ApolloServerPlugin } from '@apollo/server';
import type { ParseOptions, ValidationRule } from 'graphql';
import { operationCost } from './cost';
import { tooComplex } from './errors';
import { costModelOf, operationLimitRules } from './rules';
import type { OperationLimits } from './settings';

export { formatLimitErrors, fromTokenLimitError, QUERY_TOO_COMPLEX, tooComplex } from './errors';
export { costModelOf, operationLimitRules, registerSupergraph } from './rules';
export {
  defaultOperationLimits,
  operationLimitSettings,
  operationLimitsOf,
  type OperationLimits,
} from './settings';

/**
 * Everything that refuses a too expensive operation before it is planned, built once from the
 * configuration and used by the HTTP and the WebSocket paths alike.
 */
export interface OperationLimitChecks {
  limits: OperationLimits;
  /** Depth, aliases, directives and cost; run with the standard validation rules. */
  validationRules: readonly ValidationRule[];
  /** The token limit, applied while parsing (graphql-js stops at the first token over it). */
  parseOptions: ParseOptions & { maxTokens: number };
}

export function operationLimitChecks(limits: OperationLimits): OperationLimitChecks {
  return {
    limits,
    validationRules: operationLimitRules(limits),
    parseOptions: { maxTokens: limits.maxTokens },
  };
}

/**
 * Validation runs once per document, without variables, so a slicing argument given by a variable
 * counts there as the variable's default (or the assumed size). Before execution (still before
 * planning) this measures the cost again with the request's variables: `first: $n` with n = 10⁶
 * is refused like `first: 1000000`.
 */
export function variableCostPlugin(limits: OperationLimits): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document, operation, schema }) {
          if (!operation?.variableDefinitions?.length || !request.variables) return;
          const cost = operationCost(schema, costModelOf(schema), document, operation, {
            defaultListSize: limits.defaultListSize,
            variables: request.variables,
          });
          if (cost > limits.maxCost) throw tooComplex('cost', cost, limits.maxCost, operation);
        },
      };
    },
  };
}
