import type {
  ApolloServerPlugin,
  BaseContext,
  GraphQLRequestContextDidResolveOperation,
} from '@apollo/server';
import {
  getNamedType,
  getVariableValues,
  GraphQLError,
  isInputObjectType,
  isListType,
  isNonNullType,
  isScalarType,
  Kind,
  TypeInfo,
  typeFromAST,
  visit,
  visitWithTypeInfo,
  type ASTNode,
  type GraphQLInputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { badRequest } from './errors';
import { CUSTOM_SCALARS } from './scalars';

/**
 * Client mistakes of a whole request, refused with a 4xx before planning or resolving anything:
 * no operation to run (an unknown `operationName`, several operations without one), a
 * subscription over HTTP, variables of the wrong type, a malformed custom scalar (`DateTime`) as a
 * variable or a literal, and a NUL character in any string. The gateway's supergraph knows custom
 * scalars only by name and would pass a bad value on to a subgraph (answered there as an HTTP
 * error the gateway turned into `INTERNAL_SERVER_ERROR`), and PostgreSQL refuses NUL in text only
 * once the SQL runs: both are caught here, once, for the gateway and every subgraph.
 */
export function requestGuardPlugin<TContext extends BaseContext>(): ApolloServerPlugin<TContext> {
  return {
    requestDidStart: async () => ({
      didResolveOperation: async (request) => refuseMalformedRequest(request),
    }),
  };
}

const NUL = '\u0000';

const badInput = (message: string): GraphQLError =>
  new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } } });

const nulIn = (where: string): GraphQLError => badInput(`${where} must not contain a NUL character`);

function refuseMalformedRequest<TContext extends BaseContext>(
  context: GraphQLRequestContextDidResolveOperation<TContext>,
): void {
  const { operation, request, document, schema } = context;
  if (!operation) {
    const operations = document.definitions.filter((node) => node.kind === Kind.OPERATION_DEFINITION).length;
    if (request.operationName) throw badRequest(`Unknown operation named "${request.operationName}"`);
    if (operations > 1) throw badRequest('The document has several operations: name one in operationName');
    throw badRequest('The document has no operation to run');
  }
  if (operation.operation === 'subscription') {
    throw badRequest('Subscriptions are served over WebSocket (graphql-ws protocol) on this path, not HTTP');
  }
  checkLiterals(schema, document);
  checkVariables(schema, operation, request.variables ?? {});
}

/** Every string literal, and every literal of a custom scalar, as the scalar itself would read it. */
function checkLiterals(schema: GraphQLSchema, document: ASTNode): void {
  const typeInfo = new TypeInfo(schema);
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      enter(node) {
        if (node.kind === Kind.STRING && node.value.includes(NUL)) throw nulIn('A string literal');
        if (node.kind !== Kind.STRING && node.kind !== Kind.INT && node.kind !== Kind.FLOAT) return;
        const type = typeInfo.getInputType();
        const scalar = type ? CUSTOM_SCALARS.get(getNamedType(type).name) : undefined;
        if (scalar) parseWith(() => scalar.parseLiteral(node), typeInfo.getArgument()?.name ?? 'A literal');
      },
    }),
  );
}

function checkVariables(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  variables: Readonly<Record<string, unknown>>,
): void {
  for (const [name, value] of Object.entries(variables)) refuseNul(value, `$${name}`);
  const definitions = operation.variableDefinitions ?? [];
  // The gateway returns these coercion errors without a code (reported as internal); here they are the client's.
  const { errors } = getVariableValues(schema, definitions, variables);
  if (errors?.length) throw badInput(errors[0].message);
  for (const definition of definitions) {
    const name = definition.variable.name.value;
    const type = typeFromAST(schema, definition.type) as GraphQLInputType | undefined;
    if (type) checkScalars(type, variables[name], `$${name}`);
  }
}

function refuseNul(value: unknown, path: string): void {
  if (typeof value === 'string') {
    if (value.includes(NUL)) throw nulIn(path);
  } else if (Array.isArray(value)) {
    value.forEach((item, index) => refuseNul(item, `${path}[${index}]`));
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) refuseNul(item, `${path}.${key}`);
  }
}

/** Walks a (structurally valid) variable value along its type, parsing custom scalars. */
function checkScalars(type: GraphQLInputType, value: unknown, path: string): void {
  if (value === null || value === undefined) return;
  if (isNonNullType(type)) return checkScalars(type.ofType, value, path);
  if (isListType(type)) {
    const items: unknown[] = Array.isArray(value) ? value : [value];
    items.forEach((item, index) => checkScalars(type.ofType, item, `${path}[${index}]`));
    return;
  }
  if (isInputObjectType(type)) {
    const fields = value as Record<string, unknown>;
    for (const field of Object.values(type.getFields())) {
      checkScalars(field.type, fields[field.name], `${path}.${field.name}`);
    }
    return;
  }
  const scalar = isScalarType(type) ? CUSTOM_SCALARS.get(type.name) : undefined;
  if (scalar) parseWith(() => scalar.parseValue(value), path);
}

function parseWith(parse: () => unknown, where: string): void {
  try {
    parse();
  } catch (error) {
    throw badInput(`${where}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
