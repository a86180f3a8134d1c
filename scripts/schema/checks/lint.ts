import {
  type ConstDirectiveNode,
  type DefinitionNode,
  type DocumentNode,
  Kind,
  type TypeDefinitionNode,
  type TypeExtensionNode,
  parse,
} from 'graphql';
import { describe } from './composition';
import { error, type Finding, formatFinding, type SubgraphSdl } from './finding';

const PASCAL_CASE = /^[A-Z][A-Za-z0-9]*$/;
const CAMEL_CASE = /^[a-z][A-Za-z0-9]*$/;
const SCREAMING_CASE = /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*$/;
const ROOT_TYPES = new Set(['Query', 'Mutation', 'Subscription']);
const ENTITY_KINDS = new Set<Kind>([
  Kind.OBJECT_TYPE_DEFINITION,
  Kind.OBJECT_TYPE_EXTENSION,
  Kind.INTERFACE_TYPE_DEFINITION,
  Kind.INTERFACE_TYPE_EXTENSION,
]);

/**
 * Federation's and GraphQL's own names (`_entities`, `_service`, `_Any`, `__typename`) and the
 * namespaced machinery of linked specs (`link__Purpose`, `federation__key`) follow their own conventions.
 */
const isExempt = (name: string): boolean => name.startsWith('_') || name.includes('__');

type TypeNode = TypeDefinitionNode | TypeExtensionNode;

function typeNodes(document: DocumentNode): TypeNode[] {
  return document.definitions.filter((definition: DefinitionNode): definition is TypeNode =>
    [
      Kind.OBJECT_TYPE_DEFINITION,
      Kind.OBJECT_TYPE_EXTENSION,
      Kind.INTERFACE_TYPE_DEFINITION,
      Kind.INTERFACE_TYPE_EXTENSION,
      Kind.INPUT_OBJECT_TYPE_DEFINITION,
      Kind.INPUT_OBJECT_TYPE_EXTENSION,
      Kind.ENUM_TYPE_DEFINITION,
      Kind.ENUM_TYPE_EXTENSION,
      Kind.UNION_TYPE_DEFINITION,
      Kind.UNION_TYPE_EXTENSION,
      Kind.SCALAR_TYPE_DEFINITION,
      Kind.SCALAR_TYPE_EXTENSION,
    ].includes(definition.kind),
  );
}

const KIND_NAMES: Partial<Record<Kind, string>> = {
  [Kind.OBJECT_TYPE_DEFINITION]: 'type',
  [Kind.OBJECT_TYPE_EXTENSION]: 'type',
  [Kind.INTERFACE_TYPE_DEFINITION]: 'interface',
  [Kind.INTERFACE_TYPE_EXTENSION]: 'interface',
  [Kind.INPUT_OBJECT_TYPE_DEFINITION]: 'input',
  [Kind.INPUT_OBJECT_TYPE_EXTENSION]: 'input',
  [Kind.ENUM_TYPE_DEFINITION]: 'enum',
  [Kind.ENUM_TYPE_EXTENSION]: 'enum',
  [Kind.UNION_TYPE_DEFINITION]: 'union',
  [Kind.UNION_TYPE_EXTENSION]: 'union',
  [Kind.SCALAR_TYPE_DEFINITION]: 'scalar',
  [Kind.SCALAR_TYPE_EXTENSION]: 'scalar',
};

/** Parses each subgraph's SDL; a subgraph that does not parse is reported once and skipped. */
function parseAll(subgraphs: SubgraphSdl[], findings: Finding[]): { name: string; document: DocumentNode }[] {
  const parsed: { name: string; document: DocumentNode }[] = [];
  for (const { name, sdl } of subgraphs) {
    try {
      parsed.push({ name, document: parse(sdl, { noLocation: true }) });
    } catch (cause) {
      findings.push(error('lint', `the SDL does not parse: ${describe(cause)}`, { subgraphs: [name] }));
    }
  }
  return parsed;
}

/**
 * Naming: types PascalCase, fields, input fields and arguments camelCase, enum values
 * SCREAMING_CASE. Checked in every subgraph, so the message names the one to change.
 */
export function lintNames(subgraphs: SubgraphSdl[]): Finding[] {
  const findings: Finding[] = [];
  for (const { name: subgraph, document } of parseAll(subgraphs, findings)) {
    const report = (coordinate: string, what: string, rule: string): void => {
      findings.push(error('lint', `${what} must be ${rule}`, { subgraphs: [subgraph], coordinate }));
    };
    for (const type of typeNodes(document)) {
      const typeName = type.name.value;
      if (isExempt(typeName)) continue;
      if (!PASCAL_CASE.test(typeName))
        report(typeName, `${KIND_NAMES[type.kind] ?? 'type'} name "${typeName}"`, 'PascalCase');
      if ('fields' in type) {
        for (const field of type.fields ?? []) {
          const fieldName = field.name.value;
          if (isExempt(fieldName)) continue;
          const coordinate = `${typeName}.${fieldName}`;
          if (!CAMEL_CASE.test(fieldName)) report(coordinate, `field name "${fieldName}"`, 'camelCase');
          if ('arguments' in field) {
            for (const argument of field.arguments ?? []) {
              const argumentName = argument.name.value;
              if (!isExempt(argumentName) && !CAMEL_CASE.test(argumentName)) {
                report(`${coordinate}(${argumentName}:)`, `argument name "${argumentName}"`, 'camelCase');
              }
            }
          }
        }
      }
      if ('values' in type) {
        for (const value of type.values ?? []) {
          const valueName = value.name.value;
          if (!isExempt(valueName) && !SCREAMING_CASE.test(valueName)) {
            report(
              `${typeName}.${valueName}`,
              `enum value "${valueName}"`,
              'SCREAMING_CASE (e.g. IN_TRANSIT)',
            );
          }
        }
      }
    }
  }
  return findings;
}

const isInaccessible = (directives: readonly ConstDirectiveNode[] | undefined): boolean =>
  (directives ?? []).some((directive) => /^(federation__)?inaccessible$/.test(directive.name.value));

/**
 * Descriptions on the public API: every object, interface, input, enum, union and custom scalar type
 * (root types excepted) and every field of Query, Mutation and Subscription. Composition merges
 * descriptions, so an element is described when any subgraph that defines it describes it (shared
 * value types and entity stubs need not repeat the owner's text); otherwise the message names every
 * subgraph that defines it.
 */
export function lintDescriptions(subgraphs: SubgraphSdl[]): Finding[] {
  const findings: Finding[] = [];
  const elements = new Map<string, { what: string; definedIn: string[]; described: boolean }>();
  const note = (coordinate: string, what: string, subgraph: string, described: boolean): void => {
    const element = elements.get(coordinate) ?? { what, definedIn: [], described: false };
    if (!element.definedIn.includes(subgraph)) element.definedIn.push(subgraph);
    element.described ||= described;
    elements.set(coordinate, element);
  };
  for (const { name: subgraph, document } of parseAll(subgraphs, findings)) {
    const roots = rootTypeNames(document);
    for (const type of typeNodes(document)) {
      const typeName = type.name.value;
      if (isExempt(typeName) || isInaccessible(type.directives)) continue;
      const described = 'description' in type && Boolean(type.description?.value.trim());
      if (roots.has(typeName)) {
        if (!('fields' in type)) continue;
        for (const field of type.fields ?? []) {
          if (isExempt(field.name.value) || isInaccessible(field.directives)) continue;
          note(
            `${typeName}.${field.name.value}`,
            `${typeName} field`,
            subgraph,
            Boolean(field.description?.value.trim()),
          );
        }
      } else {
        note(typeName, KIND_NAMES[type.kind] ?? 'type', subgraph, described);
      }
    }
  }
  for (const [coordinate, { what, definedIn, described }] of elements) {
    if (described) continue;
    findings.push(
      error('lint', `${what} ${coordinate} has no description; add a "docstring" above it in the SDL`, {
        subgraphs: definedIn,
        coordinate,
      }),
    );
  }
  return findings;
}

function rootTypeNames(document: DocumentNode): Set<string> {
  const roots = new Set(ROOT_TYPES);
  for (const definition of document.definitions) {
    if (definition.kind === Kind.SCHEMA_DEFINITION || definition.kind === Kind.SCHEMA_EXTENSION) {
      for (const operationType of definition.operationTypes ?? []) roots.add(operationType.type.name.value);
    }
  }
  return roots;
}

/** A subgraph's SDL with the resolver map its server is built with. */
export interface SubgraphWithResolvers extends SubgraphSdl {
  /** What `buildSubgraphSchema` receives: a resolver map, or a list of them. */
  resolvers: object | object[];
}

/**
 * Every entity a subgraph can be asked to resolve must be resolvable there: for each type with a
 * `@key` not marked `resolvable: false`, the subgraph's resolvers define `__resolveReference`.
 * Without it the gateway's `_entities` call returns only the key fields and every other field null.
 */
export function lintEntityResolvers(subgraphs: SubgraphWithResolvers[]): Finding[] {
  const findings: Finding[] = [];
  const byName = new Map(subgraphs.map((subgraph) => [subgraph.name, subgraph]));
  for (const { name: subgraph, document } of parseAll(subgraphs, findings)) {
    const maps = [byName.get(subgraph)?.resolvers ?? []].flat();
    const keyDirective = keyDirectiveName(document);
    for (const type of typeNodes(document)) {
      if (!ENTITY_KINDS.has(type.kind)) continue;
      const resolvableKeys = (type.directives ?? []).filter(
        (directive) => directive.name.value === keyDirective && !isUnresolvable(directive),
      );
      if (resolvableKeys.length === 0) continue;
      const typeName = type.name.value;
      const hasReferenceResolver = maps.some((map) => {
        const typeResolvers = (map as Record<string, unknown>)[typeName];
        return (
          typeof typeResolvers === 'object' &&
          typeResolvers !== null &&
          typeof (typeResolvers as Record<string, unknown>).__resolveReference === 'function'
        );
      });
      if (hasReferenceResolver) continue;
      const fields = keyFields(resolvableKeys[0]);
      findings.push(
        error(
          'lint',
          `entity ${typeName} has a resolvable @key(fields: "${fields}") but the resolvers define no ` +
            `${typeName}.__resolveReference; add one (batched through a DataLoader) or declare ` +
            `@key(fields: "${fields}", resolvable: false) if this subgraph only references ${typeName}`,
          { subgraphs: [subgraph], coordinate: typeName },
        ),
      );
    }
  }
  return findings;
}

/**
 * The local name of federation's `@key` in a subgraph: `key` when imported (or for a Federation 1
 * SDL without `@link`), the alias given with `{ name: "@key", as: "@…" }`, or `<namespace>__key`.
 */
export function keyDirectiveName(document: DocumentNode): string {
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.SCHEMA_DEFINITION && definition.kind !== Kind.SCHEMA_EXTENSION) continue;
    for (const link of definition.directives ?? []) {
      if (link.name.value !== 'link') continue;
      const argument = (name: string) =>
        link.arguments?.find((candidate) => candidate.name.value === name)?.value;
      const url = argument('url');
      if (url?.kind !== Kind.STRING || !url.value.includes('specs.apollo.dev/federation/')) continue;
      const imports = argument('import');
      for (const imported of imports?.kind === Kind.LIST ? imports.values : []) {
        if (imported.kind === Kind.STRING && imported.value === '@key') return 'key';
        if (imported.kind === Kind.OBJECT) {
          const field = (name: string) =>
            imported.fields.find((candidate) => candidate.name.value === name)?.value;
          const name = field('name');
          const alias = field('as');
          if (name?.kind === Kind.STRING && name.value === '@key') {
            return alias?.kind === Kind.STRING ? alias.value.replace(/^@/, '') : 'key';
          }
        }
      }
      const namespace = argument('as');
      return `${namespace?.kind === Kind.STRING ? namespace.value : 'federation'}__key`;
    }
  }
  return 'key';
}

function isUnresolvable(key: ConstDirectiveNode): boolean {
  const resolvable = key.arguments?.find((argument) => argument.name.value === 'resolvable')?.value;
  return resolvable?.kind === Kind.BOOLEAN && !resolvable.value;
}

function keyFields(key: ConstDirectiveNode | undefined): string {
  const fields = key?.arguments?.find((argument) => argument.name.value === 'fields')?.value;
  return fields?.kind === Kind.STRING ? fields.value : '…';
}

/** All lint rules; entity resolvability only for the subgraphs whose resolvers were loaded. */
export function lintSubgraphs(subgraphs: SubgraphSdl[], resolvers: SubgraphWithResolvers[] = []): Finding[] {
  const findings = [
    ...lintNames(subgraphs),
    ...lintDescriptions(subgraphs),
    ...lintEntityResolvers(resolvers),
  ];
  // Each rule reports an SDL that does not parse; say it once.
  const seen = new Set<string>();
  return findings.filter((finding) => {
    const key = formatFinding(finding);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
