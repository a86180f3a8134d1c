import {
  Kind,
  type DocumentNode,
  type FieldNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { getArgumentValues } from 'graphql/execution/values';

/** The mutations that sign in or create accounts: the brute-force and mass-registration targets. */
const AUTH_FIELDS = new Set(['login', 'register']);

/** One `login` or `register` field of an operation, under the key its result is answered under. */
export interface AuthField {
  fieldName: string;
  /** The alias, or the field name. */
  responseKey: string;
  /** The `email` a `login` tries; undefined for `register` or when it cannot be read. */
  email?: string;
}

/**
 * The `login`/`register` root fields of a resolved mutation — read from the document, not from
 * the operation name a client chooses — including those behind fragments and every alias.
 */
export function authFieldsOf(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown> = {},
): AuthField[] {
  if (operation.operation !== 'mutation') return [];
  const fragments = new Map(
    document.definitions.flatMap((definition) =>
      definition.kind === Kind.FRAGMENT_DEFINITION ? [[definition.name.value, definition] as const] : [],
    ),
  );
  const found: AuthField[] = [];
  const visited = new Set<string>();
  const collect = (selectionSet: SelectionSetNode): void => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        if (AUTH_FIELDS.has(selection.name.value)) found.push(authField(schema, selection, variables));
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        collect(selection.selectionSet);
      } else if (!visited.has(selection.name.value)) {
        visited.add(selection.name.value);
        const fragment = fragments.get(selection.name.value);
        if (fragment) collect(fragment.selectionSet);
      }
    }
  };
  collect(operation.selectionSet);
  return found;
}

function authField(schema: GraphQLSchema, node: FieldNode, variables: Record<string, unknown>): AuthField {
  const fieldName = node.name.value;
  const field: AuthField = { fieldName, responseKey: node.alias?.value ?? fieldName };
  const definition = schema.getMutationType()?.getFields()[fieldName];
  if (fieldName !== 'login' || !definition) return field;
  try {
    const { email } = getArgumentValues(definition, node, variables);
    if (typeof email === 'string') field.email = email;
  } catch {
    // Invalid arguments fail validation of the operation itself; nothing to count.
  }
  return field;
}
