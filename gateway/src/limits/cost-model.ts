import {
  Kind,
  parse,
  valueFromASTUntyped,
  type ConstDirectiveNode,
  type FieldDefinitionNode,
  type TypeDefinitionNode,
  type TypeExtensionNode,
} from 'graphql';

/** `@listSize` of the IBM cost spec, as Federation 2.9 composes it into the supergraph. */
export interface ListSize {
  /** Items assumed when no slicing argument gives the size. */
  assumedSize?: number;
  /** Arguments whose value is the size (e.g. `first`). */
  slicingArguments?: string[];
  /** Fields of the returned object that hold the list (a connection's `edges`). */
  sizedFields?: string[];
}

/** What the supergraph says about one field. */
export interface FieldCostInfo {
  /** Subgraphs that resolve the field (`@join__field`, externals excluded); empty: the type's. */
  graphs: string[];
  /** `@cost(weight:)` on the field. */
  weight?: number;
  listSize?: ListSize;
}

/** What the supergraph says about one type. */
export interface TypeCostInfo {
  /** Subgraphs that define the type (`@join__type`). */
  graphs: string[];
  /** `@cost(weight:)` on the type. */
  weight?: number;
  fields: Map<string, FieldCostInfo>;
}

/**
 * The cost directives and the subgraph ownership of every type and field. The API schema the
 * gateway validates against has none of them, so they are read from the supergraph SDL.
 */
export interface CostModel {
  types: ReadonlyMap<string, TypeCostInfo>;
}

/** A model that knows nothing (no supergraph loaded yet): list sizes and default weights only. */
export const EMPTY_COST_MODEL: CostModel = { types: new Map() };

const argumentsOf = (directive: ConstDirectiveNode): Record<string, unknown> =>
  Object.fromEntries(
    (directive.arguments ?? []).map((arg) => [arg.name.value, valueFromASTUntyped(arg.value)]),
  );

const directivesNamed = (
  node: { directives?: readonly ConstDirectiveNode[] },
  name: string,
): Record<string, unknown>[] =>
  (node.directives ?? []).filter((directive) => directive.name.value === name).map(argumentsOf);

const integer = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isInteger(value) ? value : undefined;

const strings = (value: unknown): string[] | undefined =>
  Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : undefined;

function listSizeOf(field: FieldDefinitionNode): ListSize | undefined {
  const [args] = directivesNamed(field, 'listSize');
  if (!args) return undefined;
  return {
    assumedSize: integer(args.assumedSize),
    slicingArguments: strings(args.slicingArguments),
    sizedFields: strings(args.sizedFields),
  };
}

function fieldInfo(field: FieldDefinitionNode): FieldCostInfo {
  const graphs = directivesNamed(field, 'join__field')
    .filter((args) => args.external !== true && args.usedOverridden !== true)
    .flatMap((args) => (typeof args.graph === 'string' ? [args.graph] : []));
  return {
    graphs,
    weight: integer(directivesNamed(field, 'cost')[0]?.weight),
    listSize: listSizeOf(field),
  };
}

const isTypeNode = (node: { kind: Kind }): node is TypeDefinitionNode | TypeExtensionNode =>
  [
    Kind.OBJECT_TYPE_DEFINITION,
    Kind.OBJECT_TYPE_EXTENSION,
    Kind.INTERFACE_TYPE_DEFINITION,
    Kind.INTERFACE_TYPE_EXTENSION,
    Kind.SCALAR_TYPE_DEFINITION,
    Kind.ENUM_TYPE_DEFINITION,
    Kind.UNION_TYPE_DEFINITION,
  ].includes(node.kind);

const hasFields = (
  node: TypeDefinitionNode | TypeExtensionNode,
): node is Extract<TypeDefinitionNode | TypeExtensionNode, { fields?: readonly FieldDefinitionNode[] }> =>
  node.kind !== Kind.INPUT_OBJECT_TYPE_DEFINITION && node.kind !== Kind.INPUT_OBJECT_TYPE_EXTENSION;

/** Reads the cost model out of a supergraph SDL (pure; rebuilt when the supergraph changes). */
export function buildCostModel(supergraphSdl: string): CostModel {
  const types = new Map<string, TypeCostInfo>();
  for (const definition of parse(supergraphSdl, { noLocation: true }).definitions) {
    if (!isTypeNode(definition)) continue;
    const info: TypeCostInfo = types.get(definition.name.value) ?? { graphs: [], fields: new Map() };
    info.graphs.push(
      ...directivesNamed(definition, 'join__type').flatMap((args) =>
        typeof args.graph === 'string' ? [args.graph] : [],
      ),
    );
    info.weight ??= integer(directivesNamed(definition, 'cost')[0]?.weight);
    if (hasFields(definition)) {
      for (const field of definition.fields ?? []) info.fields.set(field.name.value, fieldInfo(field));
    }
    types.set(definition.name.value, info);
  }
  return { types };
}

/** Subgraphs that can resolve `type.field`: the field's own, else every one defining the type. */
export function graphsOf(model: CostModel, typeName: string, fieldName: string): string[] {
  const type = model.types.get(typeName);
  const field = type?.fields.get(fieldName);
  return field?.graphs.length ? field.graphs : (type?.graphs ?? []);
}
