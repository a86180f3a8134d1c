import {
  isObjectType,
  isUnionType,
  Kind,
  parse,
  type ConstDirectiveNode,
  type GraphQLObjectType,
  type GraphQLSchema,
} from 'graphql';
import { badUserInput, toGraphQLError } from './errors';

/** The top-level field names of each `@key(fields: "…")` of an entity type. */
function keysOf(type: GraphQLObjectType): string[][] {
  const directives: readonly ConstDirectiveNode[] = [type.astNode, ...type.extensionASTNodes].flatMap(
    (node) => node?.directives ?? [],
  );
  return directives
    .filter((directive) => directive.name.value === 'key')
    .flatMap((directive) => {
      const fields = directive.arguments?.find((argument) => argument.name.value === 'fields')?.value;
      if (fields?.kind !== Kind.STRING) return [];
      const [selection] = parse(`{ ${fields.value} }`).definitions;
      if (selection?.kind !== Kind.OPERATION_DEFINITION) return [];
      return [
        selection.selectionSet.selections.flatMap((field) =>
          field.kind === Kind.FIELD ? [field.name.value] : [],
        ),
      ];
    });
}

const refused = (message: string) => toGraphQLError(badUserInput(message, 'representations'));

/**
 * `_entities` is how the gateway (and service clients) ask a subgraph for entities; called with a
 * `__typename` that is no entity here, or a representation without its key fields, `@apollo/subgraph`
 * and the reference resolvers fail with plain errors (internal errors). Both are the caller's
 * mistake: `BAD_USER_INPUT`, checked before any representation is resolved.
 */
export function refuseMalformedRepresentations(schema: GraphQLSchema): GraphQLSchema {
  const field = schema.getQueryType()?.getFields()._entities;
  const entity = schema.getType('_Entity');
  const resolve = field?.resolve;
  if (!field || !resolve || !isUnionType(entity)) return schema;
  const keys = new Map(
    entity
      .getTypes()
      .filter(isObjectType)
      .map((type) => [type.name, keysOf(type)]),
  );
  field.resolve = (source, args: { representations?: unknown[] }, context, info) => {
    for (const representation of args.representations ?? []) {
      const fields = (representation ?? {}) as Record<string, unknown>;
      const typename = fields.__typename;
      const typeKeys = typeof typename === 'string' ? keys.get(typename) : undefined;
      if (!typeKeys) throw refused(`${JSON.stringify(typename)} is not an entity of this service`);
      const complete = (key: string[]) =>
        key.every((name) => fields[name] !== undefined && fields[name] !== null);
      if (typeKeys.length > 0 && !typeKeys.some(complete)) {
        throw refused(
          `A ${typename} representation needs its key: ${typeKeys.map((key) => key.join(' ')).join(' or ')}`,
        );
      }
    }
    return resolve(source, args, context, info);
  };
  return schema;
}
