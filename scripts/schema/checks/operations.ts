import { dirname } from 'node:path';
import {
  type ASTNode,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLError,
  type GraphQLSchema,
  Kind,
  NoDeprecatedCustomRule,
  type OperationDefinitionNode,
  type SelectionSetNode,
  Source,
  TypeInfo,
  parse,
  specifiedRules,
  validate,
  visit,
  visitWithTypeInfo,
} from 'graphql';
import { describe } from './composition';
import { error, type Finding, warning } from './finding';

/** A `.graphql` file of client operations; `path` is repository-relative (`schema/operations/web/catalog.graphql`). */
export interface OperationFile {
  path: string;
  body: string;
}

interface Located<T> {
  node: T;
  file: string;
}

/** One client's operations and the fragments they may share. */
interface Folder {
  operations: Located<OperationDefinitionNode>[];
  fragments: Map<string, Located<FragmentDefinitionNode>>;
}

/**
 * Validates every operation against the API schema, as the client would send it: the operation plus
 * the fragments it spreads, which may live in any file of the same folder (one folder per client:
 * `playground/`, `web/`, `mobile/`). Operations must be named, and names unique per folder, so a
 * failure can be traced to one operation. Use of deprecated fields is a warning.
 */
export function validateOperations(schema: GraphQLSchema, files: OperationFile[]): Finding[] {
  const findings: Finding[] = [];
  const folders = new Map<string, Folder>();

  for (const { path, body } of files) {
    let document: DocumentNode;
    try {
      document = parse(new Source(body, path));
    } catch (cause) {
      findings.push(error('operation', `does not parse: ${describe(cause)}`, { file: path }));
      continue;
    }
    const folder: Folder = folders.get(dirname(path)) ?? { operations: [], fragments: new Map() };
    folders.set(dirname(path), folder);
    for (const definition of document.definitions) {
      if (definition.kind === Kind.OPERATION_DEFINITION) {
        if (!definition.name) {
          findings.push(
            error('operation', `an anonymous ${definition.operation} — name every operation`, { file: path }),
          );
          continue;
        }
        const name = definition.name.value;
        const clash = folder.operations.find((other) => other.node.name?.value === name);
        if (clash) {
          findings.push(
            error('operation', `operation ${name} is also defined in ${clash.file}; names must be unique`, {
              file: path,
            }),
          );
          continue;
        }
        folder.operations.push({ node: definition, file: path });
      } else if (definition.kind === Kind.FRAGMENT_DEFINITION) {
        const name = definition.name.value;
        const clash = folder.fragments.get(name);
        if (clash) {
          findings.push(
            error('operation', `fragment ${name} is also defined in ${clash.file}; names must be unique`, {
              file: path,
            }),
          );
          continue;
        }
        folder.fragments.set(name, { node: definition, file: path });
      } else {
        findings.push(
          error(
            'operation',
            `contains a ${definition.kind}; operation files hold operations and fragments only`,
            { file: path },
          ),
        );
      }
    }
  }

  for (const { operations, fragments } of folders.values()) {
    for (const { node: operation, file } of operations) {
      const document: DocumentNode = {
        kind: Kind.DOCUMENT,
        definitions: [operation, ...fragmentsUsedBy(operation, fragments).map((fragment) => fragment.node)],
      };
      const fields = describeFields(schema, document);
      const report = (errors: readonly GraphQLError[], deprecated: boolean): void => {
        for (const failure of errors) {
          const field = failure.nodes?.find((node): node is FieldNode => node.kind === Kind.FIELD);
          const described = field ? fields.get(field) : undefined;
          const location = failure.locations?.[0];
          const message =
            `operation ${operation.name?.value ?? ''} ${deprecated ? 'uses a deprecated field' : 'no longer validates'}: ${failure.message}` +
            (described ? ` at ${described.path}` : '') +
            (location ? ` (line ${location.line}, column ${location.column})` : '');
          const where = { file: failure.source?.name ?? file, coordinate: described?.coordinate };
          findings.push(
            deprecated ? warning('operation', message, where) : error('operation', message, where),
          );
        }
      };
      const errors = validate(schema, document, specifiedRules);
      report(errors, false);
      if (errors.length === 0) report(validate(schema, document, [NoDeprecatedCustomRule]), true);
    }
  }
  return findings;
}

/** The fragments an operation spreads, directly or through other fragments (unknown ones are left to `validate`). */
function fragmentsUsedBy(
  operation: OperationDefinitionNode,
  fragments: Map<string, Located<FragmentDefinitionNode>>,
): Located<FragmentDefinitionNode>[] {
  const used = new Map<string, Located<FragmentDefinitionNode>>();
  const pending: ASTNode[] = [operation];
  while (pending.length > 0) {
    const node = pending.pop();
    if (!node) break;
    visit(node, {
      FragmentSpread(spread) {
        const name = spread.name.value;
        const fragment = fragments.get(name);
        if (fragment && !used.has(name)) {
          used.set(name, fragment);
          pending.push(fragment.node);
        }
      },
    });
  }
  return [...used.values()];
}

/**
 * For each field of a document: its response path inside its operation or fragment
 * (`products.edges.node.price`, `...ProductCard.price`) and its schema coordinate (`Product.price`).
 */
function describeFields(
  schema: GraphQLSchema,
  document: DocumentNode,
): Map<FieldNode, { path: string; coordinate?: string }> {
  const paths = new Map<FieldNode, string>();
  const walk = (selectionSet: SelectionSetNode | undefined, prefix: string): void => {
    for (const selection of selectionSet?.selections ?? []) {
      if (selection.kind === Kind.FIELD) {
        const path = `${prefix}${prefix && !prefix.endsWith('.') ? '.' : ''}${selection.name.value}`;
        paths.set(selection, path);
        walk(selection.selectionSet, path);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        walk(selection.selectionSet, prefix);
      }
    }
  };
  for (const definition of document.definitions) {
    if (definition.kind === Kind.OPERATION_DEFINITION) walk(definition.selectionSet, '');
    if (definition.kind === Kind.FRAGMENT_DEFINITION)
      walk(definition.selectionSet, `...${definition.name.value}.`);
  }

  const described = new Map<FieldNode, { path: string; coordinate?: string }>();
  const typeInfo = new TypeInfo(schema);
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field(field) {
        const parent = typeInfo.getParentType();
        described.set(field, {
          path: paths.get(field) ?? field.name.value,
          coordinate: parent ? `${parent.name}.${field.name.value}` : undefined,
        });
      },
    }),
  );
  return described;
}
