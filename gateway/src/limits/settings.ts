import { readSettings, setting, type SettingsSpec } from '@marketplace/platform';

/** Per-deployment bounds on one operation, checked before it is planned (see `limits/index.ts`). */
export interface OperationLimits {
  /** Deepest field nesting (a fragment spread adds no level), default 15. */
  maxDepth: number;
  /** Aliased fields in one operation, fragments included, default 30. */
  maxAliases: number;
  /** Lexical tokens in the whole document (its size, bounding parse work), default 3,000. */
  maxTokens: number;
  /** Directives in one operation, default 50. */
  maxDirectives: number;
  /** Federation-aware cost (`limits/cost.ts`), default 5,000. */
  maxCost: number;
  /** Items a list is assumed to hold when neither `first`/`last` nor `@listSize` says, default 20. */
  defaultListSize: number;
}

/** The variables of {@link OperationLimits}; part of the gateway's settings. */
export const operationLimitSettings = {
  maxDepth: setting.integer('GATEWAY_MAX_DEPTH', 'deepest field nesting of one operation', 15, { min: 1 }),
  maxAliases: setting.integer('GATEWAY_MAX_ALIASES', 'aliased fields in one operation', 30),
  maxTokens: setting.integer(
    'GATEWAY_MAX_TOKENS',
    'lexical tokens in one document (bounds its size and parse work)',
    3_000,
    { min: 1 },
  ),
  maxDirectives: setting.integer('GATEWAY_MAX_DIRECTIVES', 'directives in one operation', 50),
  maxCost: setting.integer(
    'GATEWAY_MAX_COST',
    'federation-aware cost of one operation (list sizes × fields, plus entity fetches)',
    5_000,
    { min: 1 },
  ),
  defaultListSize: setting.integer(
    'GATEWAY_DEFAULT_LIST_SIZE',
    'items a list is assumed to hold when neither `first`/`last` nor `@listSize` says',
    20,
    { min: 1 },
  ),
} satisfies SettingsSpec<OperationLimits>;

/** Picks the limits out of the gateway's settings values. */
export const operationLimitsOf = (values: OperationLimits): OperationLimits => ({
  maxDepth: values.maxDepth,
  maxAliases: values.maxAliases,
  maxTokens: values.maxTokens,
  maxDirectives: values.maxDirectives,
  maxCost: values.maxCost,
  defaultListSize: values.defaultListSize,
});

/** The limits with every variable unset (tests, tools). */
export const defaultOperationLimits = (): OperationLimits => readSettings(operationLimitSettings, {});
