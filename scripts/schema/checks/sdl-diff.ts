import { type ASTNode, type DefinitionNode, Kind, parse, print } from 'graphql';

/** One element that differs between two SDL documents, by schema coordinate. */
export interface SdlDifference {
  /** `Product`, `Product.price`, `ProductSort.NEWEST`, `@tag` or `schema`. */
  coordinate: string;
  /** `added`: only in the second document; `removed`: only in the first. */
  kind: 'added' | 'removed' | 'changed';
}

/**
 * Splits an SDL document into printable elements keyed by schema coordinate: one entry for each
 * type's own header (description, directives, interfaces, union members) and one per field,
 * input field and enum value. Definitions and `extend` blocks of one type are merged in order.
 */
export function sdlElements(sdl: string): Map<string, string> {
  const elements = new Map<string, string>();
  const add = (coordinate: string, node: ASTNode): void => {
    const printed = print(node);
    const previous = elements.get(coordinate);
    elements.set(coordinate, previous === undefined ? printed : `${previous}\n${printed}`);
  };
  for (const definition of parse(sdl, { noLocation: true }).definitions) addDefinition(definition, add);
  return elements;
}

function addDefinition(definition: DefinitionNode, add: (coordinate: string, node: ASTNode) => void): void {
  switch (definition.kind) {
    case Kind.SCHEMA_DEFINITION:
    case Kind.SCHEMA_EXTENSION:
      add('schema', definition);
      return;
    case Kind.DIRECTIVE_DEFINITION:
      add(`@${definition.name.value}`, definition);
      return;
    case Kind.OBJECT_TYPE_DEFINITION:
    case Kind.OBJECT_TYPE_EXTENSION:
    case Kind.INTERFACE_TYPE_DEFINITION:
    case Kind.INTERFACE_TYPE_EXTENSION:
    case Kind.INPUT_OBJECT_TYPE_DEFINITION:
    case Kind.INPUT_OBJECT_TYPE_EXTENSION: {
      const type = definition.name.value;
      add(type, { ...definition, fields: [] });
      for (const field of definition.fields ?? []) add(`${type}.${field.name.value}`, field);
      return;
    }
    case Kind.ENUM_TYPE_DEFINITION:
    case Kind.ENUM_TYPE_EXTENSION: {
      const type = definition.name.value;
      add(type, { ...definition, values: [] });
      for (const value of definition.values ?? []) add(`${type}.${value.name.value}`, value);
      return;
    }
    case Kind.UNION_TYPE_DEFINITION:
    case Kind.UNION_TYPE_EXTENSION:
    case Kind.SCALAR_TYPE_DEFINITION:
    case Kind.SCALAR_TYPE_EXTENSION:
      add(definition.name.value, definition);
      return;
    default:
      // Executable definitions (operations, fragments) do not belong in an SDL; keep them visible.
      add(print(definition), definition);
  }
}

/** The elements that differ between `before` and `after`, in the order they appear. */
export function diffSdl(before: string, after: string): SdlDifference[] {
  const old = sdlElements(before);
  const current = sdlElements(after);
  const differences: SdlDifference[] = [];
  for (const [coordinate, printed] of old) {
    const now = current.get(coordinate);
    if (now === undefined) differences.push({ coordinate, kind: 'removed' });
    else if (now !== printed) differences.push({ coordinate, kind: 'changed' });
  }
  for (const coordinate of current.keys()) {
    if (!old.has(coordinate)) differences.push({ coordinate, kind: 'added' });
  }
  return differences;
}
