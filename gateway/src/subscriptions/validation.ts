import {
  getArgumentValues,
  getOperationAST,
  getVariableValues,
  GraphQLError,
  Kind,
  OperationTypeNode,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import type { SubscribePayload } from 'graphql-ws';
import { fromTokenLimitError, QUERY_TOO_COMPLEX, type OperationLimitChecks } from '../limits';
import { buildOrderQuery, type OrderQuery } from './order-selection';

/** The subscription fields this gateway serves (declared by the order subgraph). */
export const SUBSCRIPTION_FIELDS = ['orderStatusChanged', 'myOrderUpdates'] as const;
export type SubscriptionFieldName = (typeof SUBSCRIPTION_FIELDS)[number];

/** A validated subscription, ready to be registered with the fan-out. */
export interface PreparedSubscription {
  kind: 'subscription';
  /** The API schema it was validated against; its events are rendered with the same schema. */
  schema: GraphQLSchema;
  document: DocumentNode;
  operationName: string | undefined;
  /** The variables as the client sent them. */
  variables: Record<string, unknown>;
  field: SubscriptionFieldName;
  /** Response key (alias or name) of the root field. */
  responseKey: string;
  /** The `orderId` argument of `orderStatusChanged`, not yet checked; null for `myOrderUpdates`. */
  orderId: string | null;
  /** The client's `order { … }` selection as a gateway query; null when it selected none. */
  orderQuery: OrderQuery | null;
  /** The values of `orderQuery`'s client variables. */
  orderQueryVariables: Record<string, unknown>;
  /**
   * Same operation and variables ⇒ same key: subscribers with equal keys and equal viewers receive
   * identical payloads, so each event is rendered once for all of them.
   */
  key: string;
}

/** A query or mutation sent over the socket; Apollo validates and executes it. */
export interface PreparedOperation {
  kind: 'operation';
  schema: GraphQLSchema;
  document: DocumentNode;
  query: string;
  operationName: string | undefined;
  variables: Record<string, unknown>;
}

/** `error` with `code`; the HTTP status some errors carry for Apollo means nothing on a socket. */
function withCode(error: GraphQLError, code: string): GraphQLError {
  const { http: _http, ...extensions } = error.extensions;
  return new GraphQLError(error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    originalError: error.originalError,
    extensions: { ...extensions, code },
  });
}

/** An operation limit keeps its own code; every other validation error is `GRAPHQL_VALIDATION_FAILED`. */
const validationCodeOf = (error: GraphQLError): string =>
  error.extensions.code === QUERY_TOO_COMPLEX ? QUERY_TOO_COMPLEX : 'GRAPHQL_VALIDATION_FAILED';

function findRootField(
  set: SelectionSetNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
): FieldNode | undefined {
  for (const selection of set.selections) {
    if (selection.kind === Kind.FIELD) return selection;
    const inner =
      selection.kind === Kind.INLINE_FRAGMENT
        ? selection.selectionSet
        : fragments.get(selection.name.value)?.selectionSet;
    const found = inner && findRootField(inner, fragments);
    if (found) return found;
  }
  return undefined;
}

const isSubscriptionField = (name: string): name is SubscriptionFieldName =>
  (SUBSCRIPTION_FIELDS as readonly string[]).includes(name);

/** What does not depend on the variables: worked out once per schema, query and operation name. */
interface Analysis {
  document: DocumentNode;
  operationName: string | undefined;
  operation: OperationDefinitionNode;
  /** Subscriptions only. */
  rootField?: FieldNode & { selectionSet: SelectionSetNode };
  fieldDefinition?: GraphQLField<unknown, unknown>;
  field?: SubscriptionFieldName;
  orderQuery?: OrderQuery | null;
}

function analyse(
  schema: GraphQLSchema,
  limits: OperationLimitChecks,
  query: string,
  operationName: string | undefined,
): Analysis | GraphQLError[] {
  let document: DocumentNode;
  try {
    document = parse(query, limits.parseOptions);
  } catch (error) {
    const refused = fromTokenLimitError(error, query);
    if (refused) return [withCode(refused, QUERY_TOO_COMPLEX)];
    if (error instanceof GraphQLError) return [withCode(error, 'GRAPHQL_PARSE_FAILED')];
    throw error;
  }
  const validationErrors = validate(schema, document, [...specifiedRules, ...limits.validationRules]);
  if (validationErrors.length > 0) {
    return validationErrors.map((error) => withCode(error, validationCodeOf(error)));
  }
  const operation = getOperationAST(document, operationName);
  if (!operation) {
    return [
      new GraphQLError(operationName ? `Unknown operation "${operationName}"` : 'Name the operation to run', {
        extensions: { code: 'OPERATION_RESOLUTION_FAILURE' },
      }),
    ];
  }
  if (operation.operation !== OperationTypeNode.SUBSCRIPTION) return { document, operationName, operation };

  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const rootField = findRootField(operation.selectionSet, fragments);
  const fieldName = rootField?.name.value ?? '';
  const fieldDefinition = schema.getSubscriptionType()?.getFields()[fieldName];
  if (!rootField?.selectionSet || !fieldDefinition || !isSubscriptionField(fieldName)) {
    return [
      new GraphQLError(`Subscription field "${fieldName}" is not served by this gateway`, {
        nodes: rootField,
        extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
      }),
    ];
  }
  const root = rootField as FieldNode & { selectionSet: SelectionSetNode };
  return {
    document,
    operationName,
    operation,
    rootField: root,
    fieldDefinition,
    field: fieldName,
    orderQuery: buildOrderQuery(document, operation, root.selectionSet),
  };
}

/**
 * Analyses per limits and schema version, by operation: reconnect storms send the same few
 * operations thousands of times, and parsing and validating each again would dominate subscribe time.
 */
const analyses = new WeakMap<
  OperationLimitChecks,
  WeakMap<GraphQLSchema, Map<string, Analysis | GraphQLError[]>>
>();
const MAX_ANALYSES = 500;

function cachedAnalysis(
  schema: GraphQLSchema,
  limits: OperationLimitChecks,
  query: string,
  operationName: string | undefined,
): Analysis | GraphQLError[] {
  let bySchema = analyses.get(limits);
  if (!bySchema) {
    bySchema = new WeakMap();
    analyses.set(limits, bySchema);
  }
  let cache = bySchema.get(schema);
  if (!cache) {
    cache = new Map();
    bySchema.set(schema, cache);
  }
  const key = `${operationName ?? ''}\n${query}`;
  let analysis = cache.get(key);
  if (analysis) {
    cache.delete(key); // most recently used last
  } else {
    analysis = analyse(schema, limits, query, operationName);
    if (cache.size >= MAX_ANALYSES) cache.delete(cache.keys().next().value as string);
  }
  cache.set(key, analysis);
  return analysis;
}

/**
 * Parses and validates one `subscribe` message against the current API schema and the gateway's
 * operation limits. Returns the errors to send back (`GRAPHQL_PARSE_FAILED`,
 * `GRAPHQL_VALIDATION_FAILED` — including more than one root field —, `QUERY_TOO_COMPLEX`,
 * `BAD_USER_INPUT` for variables) or what to run.
 */
export function prepareOperation(
  schema: GraphQLSchema | undefined,
  payload: SubscribePayload,
  limits: OperationLimitChecks,
): PreparedSubscription | PreparedOperation | GraphQLError[] {
  if (!schema) {
    return [
      new GraphQLError('The gateway has not loaded its schema yet; try again', {
        extensions: { code: 'SERVICE_UNAVAILABLE' },
      }),
    ];
  }
  const analysis = cachedAnalysis(schema, limits, payload.query, payload.operationName ?? undefined);
  if (Array.isArray(analysis)) return analysis;
  const { document, operationName, operation, rootField, fieldDefinition, field } = analysis;
  const variables = payload.variables ?? {};
  if (!rootField || !fieldDefinition || !field) {
    return { kind: 'operation', schema, document, query: payload.query, operationName, variables };
  }

  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables);
  if (coerced.errors) return coerced.errors.map((error) => withCode(error, 'BAD_USER_INPUT'));
  let args: Record<string, unknown>;
  try {
    args = getArgumentValues(fieldDefinition, rootField, coerced.coerced);
  } catch (error) {
    if (error instanceof GraphQLError) return [withCode(error, 'BAD_USER_INPUT')];
    throw error;
  }
  const orderQuery = analysis.orderQuery ?? null;
  const orderQueryVariables = Object.fromEntries(
    (orderQuery?.variableNames ?? [])
      .filter((variable) => variable in variables)
      .map((variable) => [variable, variables[variable]]),
  );
  return {
    kind: 'subscription',
    schema,
    document,
    operationName,
    variables,
    field,
    responseKey: rootField.alias?.value ?? field,
    orderId: typeof args.orderId === 'string' ? args.orderId : null,
    orderQuery,
    orderQueryVariables,
    key: JSON.stringify([payload.query, operationName ?? null, variables]),
  };
}
