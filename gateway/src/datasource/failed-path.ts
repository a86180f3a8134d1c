import { getOperationAST, Kind, type DocumentNode, type SelectionSetNode } from 'graphql';

const firstField = (selectionSet: SelectionSetNode | undefined): string | undefined => {
  for (const selection of selectionSet?.selections ?? []) {
    if (selection.kind === Kind.FIELD && selection.name.value !== '__typename') {
      return selection.alias?.value ?? selection.name.value;
    }
    if (selection.kind === Kind.INLINE_FRAGMENT) {
      const inner = firstField(selection.selectionSet);
      if (inner) return inner;
    }
  }
  return undefined;
};

/**
 * Where in the subgraph's answer a failed fetch puts its error, so the gateway reports it on the
 * client's path: the first root field, or for an entity fetch the first field of the first
 * entity (`_entities.0.<field>`, which the gateway maps back to that entity's place).
 */
export function failedPath(document: DocumentNode | undefined): (string | number)[] | undefined {
  if (!document) return undefined;
  const root = getOperationAST(document)?.selectionSet;
  const first = root?.selections[0];
  if (first?.kind === Kind.FIELD && first.name.value === '_entities') {
    const field = firstField(first.selectionSet);
    return field ? ['_entities', 0, field] : ['_entities', 0];
  }
  const field = firstField(root);
  return field ? [field] : undefined;
}
