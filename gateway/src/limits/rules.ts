import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import type { GraphQLError, GraphQLSchema, ValidationContext, ValidationRule } from 'graphql';
import { buildCostModel, EMPTY_COST_MODEL, type CostModel } from './cost-model';
import { operationCost } from './cost';
import { fromArmorError, tooComplex } from './errors';
import type { OperationLimits } from './settings';

/**
 * Cost models by API schema: the gateway records each supergraph's model when it loads it, so a
 * rule validating against a schema uses the directives of the supergraph that schema came from.
 */
const costModels = new WeakMap<GraphQLSchema, CostModel>();

/** Records the cost model of `supergraphSdl`, whose API schema is `apiSchema`. */
export function registerSupergraph(apiSchema: GraphQLSchema, supergraphSdl: string): void {
  costModels.set(apiSchema, buildCostModel(supergraphSdl));
}

/** The model recorded for `schema`; without one, list sizes and default weights only. */
export const costModelOf = (schema: GraphQLSchema): CostModel => costModels.get(schema) ?? EMPTY_COST_MODEL;

/** Refuses an operation whose cost (`cost.ts`), with variables unknown, is over `maxCost`. */
export const costLimitRule =
  (limits: Pick<OperationLimits, 'maxCost' | 'defaultListSize'>): ValidationRule =>
  (context: ValidationContext) => ({
    OperationDefinition(operation) {
      const schema = context.getSchema();
      const cost = operationCost(schema, costModelOf(schema), context.getDocument(), operation, {
        defaultListSize: limits.defaultListSize,
      });
      if (cost > limits.maxCost) context.reportError(tooComplex('cost', cost, limits.maxCost, operation));
    },
  });

/**
 * graphql-armor reports through this instead of throwing (a throw out of `validate` would be a
 * 500), in the one shape of a refusal.
 */
const armorOptions = (max: number) => ({
  n: max,
  exposeLimits: true,
  propagateOnRejection: false,
  onReject: [
    (context: ValidationContext | null, error: GraphQLError) => context?.reportError(fromArmorError(error)),
  ],
});

/**
 * The operation limits as validation rules, so they run before planning on every path: Apollo's
 * `validationRules` (HTTP, and operations sent over the socket) and the subscriptions' own
 * validation. Depth, aliases and directives are graphql-armor's; the cost is ours, since no
 * library knows which subgraph resolves what. The token limit applies while parsing (`index.ts`).
 */
export function operationLimitRules(limits: OperationLimits): ValidationRule[] {
  return [
    maxDepthRule({ ...armorOptions(limits.maxDepth), flattenFragments: true }),
    // graphql-armor exempts `__typename` by default; 10,000 aliased `__typename` is still a flood.
    maxAliasesRule({ ...armorOptions(limits.maxAliases), allowList: [] }),
    maxDirectivesRule(armorOptions(limits.maxDirectives)),
    costLimitRule(limits),
  ];
}
