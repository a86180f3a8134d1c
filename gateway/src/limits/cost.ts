import {
  getNamedType,
  getNullableType,
  isCompositeType,
  isListType,
  Kind,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';
import { graphsOf, type CostModel } from './cost-model';

/**
 * The federation-aware cost of an operation, after the IBM cost spec that Apollo's demand control
 * follows, plus what only a federated gateway knows:
 *
 * - a field returning an object costs 1 (a leaf 0, a `Mutation` field 10) unless `@cost(weight:)`
 *   on the field or its type says otherwise;
 * - a list multiplies the cost of what it holds by its size: the largest of its slicing arguments
 *   (`@listSize(slicingArguments:)`, else `first`/`last`), else the size its parent's
 *   `@listSize(sizedFields:)` passes down, else `@listSize(assumedSize:)`, else the default list
 *   size. A connection field (slicing arguments, not a list) passes its size to `edges`/`nodes`
 *   unless `sizedFields` names others;
 * - a field that the subgraph resolving its parent cannot resolve is an entity fetch: it adds
 *   {@link ENTITY_FETCH_WEIGHT} per parent object (inside a list, times the list's size).
 *
 * Unknown fields count 0 (validation reports them). Fragments are costed once per context, so a
 * fragment spread many times cannot make the measurement itself expensive.
 */
export interface CostOptions {
  defaultListSize: number;
  /** The request's variables; without them a variable counts as its default, or as unknown. */
  variables?: Readonly<Record<string, unknown>>;
}

/** Cost of one fetch from another subgraph, per parent object. */
export const ENTITY_FETCH_WEIGHT = 1;
/** Default weight of a `Mutation` field: writes cost more than reads. */
export const MUTATION_WEIGHT = 10;
/** Connection fields that hold its items when `@listSize(sizedFields:)` does not say. */
const CONNECTION_LIST_FIELDS = ['edges', 'nodes'];
const NO_SIZES: ReadonlyMap<string, number> = new Map();

class CostCalculator {
  private readonly fragments = new Map<string, FragmentDefinitionNode>();
  private readonly fragmentCosts = new Map<string, number>();
  private readonly inProgress = new Set<string>();
  private readonly variableValues = new Map<string, number>();

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly model: CostModel,
    private readonly options: CostOptions,
    document: DocumentNode,
    operation: OperationDefinitionNode,
  ) {
    for (const definition of document.definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) this.fragments.set(definition.name.value, definition);
    }
    for (const definition of operation.variableDefinitions ?? []) {
      const name = definition.variable.name.value;
      const given = options.variables?.[name];
      const value = given !== undefined ? given : literalInteger(definition.defaultValue);
      if (typeof value === 'number') this.variableValues.set(name, value);
    }
  }

  selectionSet(
    set: SelectionSetNode,
    parent: GraphQLCompositeType,
    graph: string | undefined,
    sizes: ReadonlyMap<string, number>,
  ): number {
    let total = 0;
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        total += this.field(selection, parent, graph, sizes);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition
          ? this.schema.getType(selection.typeCondition.name.value)
          : parent;
        if (isCompositeType(type)) total += this.selectionSet(selection.selectionSet, type, graph, sizes);
      } else {
        total += this.fragment(selection.name.value, graph, sizes);
      }
    }
    return total;
  }

  private fragment(name: string, graph: string | undefined, sizes: ReadonlyMap<string, number>): number {
    const key = JSON.stringify([name, graph ?? null, [...sizes]]);
    const known = this.fragmentCosts.get(key);
    if (known !== undefined) return known;
    const fragment = this.fragments.get(name);
    const type = fragment && this.schema.getType(fragment.typeCondition.name.value);
    // A cycle is a validation error of its own; it must not hang the measurement.
    if (!fragment || !isCompositeType(type) || this.inProgress.has(key)) return 0;
    this.inProgress.add(key);
    const cost = this.selectionSet(fragment.selectionSet, type, graph, sizes);
    this.inProgress.delete(key);
    this.fragmentCosts.set(key, cost);
    return cost;
  }

  private field(
    node: FieldNode,
    parent: GraphQLCompositeType,
    graph: string | undefined,
    sizes: ReadonlyMap<string, number>,
  ): number {
    const name = node.name.value;
    // Introspection and `__typename` are answered by the gateway itself.
    if (name.startsWith('__') || !('getFields' in parent)) return 0;
    const definition = parent.getFields()[name];
    if (!definition) return 0;
    const type = getNamedType(definition.type);
    const info = this.model.types.get(parent.name)?.fields.get(name);
    const defaultWeight =
      parent === this.schema.getMutationType() ? MUTATION_WEIGHT : isCompositeType(type) ? 1 : 0;
    const weight = info?.weight ?? this.model.types.get(type.name)?.weight ?? defaultWeight;

    const owners = graphsOf(this.model, parent.name, name);
    const fetched = graph !== undefined && owners.length > 0 && !owners.includes(graph);
    const nextGraph = fetched || graph === undefined ? (owners[0] ?? graph) : graph;

    const isList = isListType(getNullableType(definition.type));
    const slicing =
      info?.listSize?.slicingArguments ??
      definition.args.filter((arg) => arg.name === 'first' || arg.name === 'last').map((arg) => arg.name);
    const size =
      this.sliceSize(node, definition, slicing) ??
      sizes.get(name) ??
      info?.listSize?.assumedSize ??
      this.options.defaultListSize;
    const sizedFields =
      info?.listSize?.sizedFields ?? (!isList && slicing.length > 0 ? CONNECTION_LIST_FIELDS : []);
    const childSizes = sizedFields.length > 0 ? new Map(sizedFields.map((field) => [field, size])) : NO_SIZES;

    const children =
      node.selectionSet && isCompositeType(type)
        ? this.selectionSet(node.selectionSet, type, nextGraph, childSizes)
        : 0;
    return (fetched ? ENTITY_FETCH_WEIGHT : 0) + (isList ? Math.max(0, size) : 1) * (weight + children);
  }

  /** The largest slicing argument given (or defaulted); undefined when none has a known value. */
  private sliceSize(
    node: FieldNode,
    definition: GraphQLField<unknown, unknown>,
    slicing: readonly string[],
  ): number | undefined {
    let largest: number | undefined;
    for (const argumentName of slicing) {
      const given = node.arguments?.find((arg) => arg.name.value === argumentName)?.value;
      const value = given
        ? given.kind === Kind.VARIABLE
          ? this.variableValues.get(given.name.value)
          : literalInteger(given)
        : definition.args.find((arg) => arg.name === argumentName)?.defaultValue;
      if (typeof value === 'number' && Number.isFinite(value)) largest = Math.max(largest ?? 0, value);
    }
    return largest;
  }
}

function literalInteger(value: ValueNode | undefined): number | undefined {
  return value?.kind === Kind.INT ? Number(value.value) : undefined;
}

/** The cost of `operation` (see {@link CostOptions}); may be `Infinity` for absurd documents. */
export function operationCost(
  schema: GraphQLSchema,
  model: CostModel,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  options: CostOptions,
): number {
  const root = schema.getRootType(operation.operation);
  if (!root) return 0;
  const calculator = new CostCalculator(schema, model, options, document, operation);
  return calculator.selectionSet(operation.selectionSet, root, undefined, NO_SIZES);
}
