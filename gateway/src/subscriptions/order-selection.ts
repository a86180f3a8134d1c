import {
  Kind,
  OperationTypeNode,
  print,
  visit,
  type ASTNode,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionNode,
  type SelectionSetNode,
  type VariableDefinitionNode,
} from 'graphql';

/**
 * The federated part of a subscription: every `order { … }` the client selected on
 * `OrderStatusEvent`, rewritten as one query the gateway plans and executes like any other:
 * `query OrderStatusEventOrder($orderId: ID!, …) { order(id: $orderId) { … } }`.
 *
 * Aliases, directives and fragments are kept, so the query's data has exactly the response keys of
 * the client's selection; `__typename` is added under every field so abstract types can be resolved
 * when the event is rendered.
 */
export interface OrderQuery {
  text: string;
  /** The variable that receives the event's order id. */
  orderIdVariable: string;
  /** The client's variables the query uses; their values are passed along. */
  variableNames: string[];
}

const name = (value: string) => ({ kind: Kind.NAME, value }) as const;
const TYPENAME: FieldNode = { kind: Kind.FIELD, name: name('__typename') };

function withTypenames<T extends ASTNode>(node: T): T {
  return visit(node, {
    Field: {
      leave(field) {
        const set = field.selectionSet;
        if (!set) return undefined;
        const present = set.selections.some(
          (selection) =>
            selection.kind === Kind.FIELD && selection.name.value === '__typename' && !selection.alias,
        );
        return present
          ? undefined
          : { ...field, selectionSet: { ...set, selections: [TYPENAME, ...set.selections] } };
      },
    },
  });
}

function freeVariableName(preferred: string, taken: ReadonlySet<string>): string {
  let candidate = preferred;
  for (let suffix = 2; taken.has(candidate); suffix++) candidate = `${preferred}${suffix}`;
  return candidate;
}

/**
 * Builds the order query of one subscription, or null when the client selected no `order` field
 * (the event then needs no execution at all). `eventSelection` is the selection set of the
 * subscription's root field; `operation` must belong to `document`, which must be valid.
 */
export function buildOrderQuery(
  document: DocumentNode,
  operation: OperationDefinitionNode,
  eventSelection: SelectionSetNode,
): OrderQuery | null {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const clientVariables = operation.variableDefinitions ?? [];
  const orderIdVariable = freeVariableName(
    'orderId',
    new Set(clientVariables.map((definition) => definition.variable.name.value)),
  );

  // On the event type, keep only `order` fields and the fragments that lead to them; fragments on
  // the event become inline fragments without a type condition (valid on Query), keeping directives.
  const onQuery = (set: SelectionSetNode): SelectionNode[] =>
    set.selections.flatMap((selection): SelectionNode[] => {
      if (selection.kind === Kind.FIELD) {
        if (selection.name.value !== 'order') return [];
        const field: FieldNode = {
          ...selection,
          arguments: [
            {
              kind: Kind.ARGUMENT,
              name: name('id'),
              value: { kind: Kind.VARIABLE, name: name(orderIdVariable) },
            },
          ],
        };
        return [withTypenames(field)];
      }
      const inner =
        selection.kind === Kind.INLINE_FRAGMENT
          ? selection.selectionSet
          : fragments.get(selection.name.value)?.selectionSet;
      const kept = inner ? onQuery(inner) : [];
      if (kept.length === 0) return [];
      return [
        {
          kind: Kind.INLINE_FRAGMENT,
          directives: selection.directives,
          selectionSet: { kind: Kind.SELECTION_SET, selections: kept },
        },
      ];
    });

  const selections = onQuery(eventSelection);
  if (selections.length === 0) return null;
  const selectionSet: SelectionSetNode = { kind: Kind.SELECTION_SET, selections };

  // Fragments spread inside the order selections (on Order, Product, …), transitively.
  const needed = new Map<string, FragmentDefinitionNode>();
  const collect = (node: ASTNode): void => {
    visit(node, {
      FragmentSpread(spread) {
        const fragment = fragments.get(spread.name.value);
        if (!fragment || needed.has(fragment.name.value)) return;
        needed.set(fragment.name.value, withTypenames(fragment));
        collect(fragment);
      },
    });
  };
  collect(selectionSet);

  const used = new Set<string>();
  for (const node of [selectionSet, ...needed.values()]) {
    visit(node, { Variable: (variable) => void used.add(variable.name.value) });
  }
  used.delete(orderIdVariable);
  const orderIdDefinition: VariableDefinitionNode = {
    kind: Kind.VARIABLE_DEFINITION,
    variable: { kind: Kind.VARIABLE, name: name(orderIdVariable) },
    type: { kind: Kind.NON_NULL_TYPE, type: { kind: Kind.NAMED_TYPE, name: name('ID') } },
  };
  const query: OperationDefinitionNode = {
    kind: Kind.OPERATION_DEFINITION,
    operation: OperationTypeNode.QUERY,
    name: name('OrderStatusEventOrder'),
    variableDefinitions: [
      orderIdDefinition,
      ...clientVariables.filter((definition) => used.has(definition.variable.name.value)),
    ],
    selectionSet,
  };
  return {
    text: print({ kind: Kind.DOCUMENT, definitions: [query, ...needed.values()] }),
    orderIdVariable,
    variableNames: [...used].sort(),
  };
}
