import { composeServices } from '@apollo/composition';
import { Supergraph, printSchema as printFederationSchema } from '@apollo/federation-internals';
import {
  type ConstDirectiveNode,
  type DocumentNode,
  type GraphQLSchema,
  GraphQLError,
  Kind,
  buildSchema,
  isTypeDefinitionNode,
  parse,
} from 'graphql';
import { error, type Finding, type SubgraphSdl } from './finding';

export interface CompositionOutcome {
  /** The supergraph SDL, when composition succeeded. */
  supergraphSdl?: string;
  /** Composition hints (`CODE: message`): worth reading, never failures. */
  hints: string[];
  errors: Finding[];
}

/**
 * Composes subgraph SDLs with Apollo Federation 2 composition, as a registry would. Parse errors
 * and composition errors become findings; composition's messages already name the subgraphs
 * involved, and the findings add the subgraphs and coordinate where they can be read from the message.
 */
export function composeSubgraphs(subgraphs: SubgraphSdl[]): CompositionOutcome {
  const errors: Finding[] = [];
  const services = [];
  for (const { name, sdl, url } of subgraphs) {
    let typeDefs: DocumentNode;
    try {
      typeDefs = parse(sdl);
    } catch (cause) {
      errors.push(error('composition', `the SDL does not parse: ${describe(cause)}`, { subgraphs: [name] }));
      continue;
    }
    services.push({ name, url: url ?? `http://${name}.invalid/graphql`, typeDefs });
  }
  if (errors.length > 0) return { hints: [], errors };

  const result = composeServices(services);
  const hints = (result.hints ?? []).map((hint) => `${hint.definition.code}: ${hint.message}`);
  if (result.errors) {
    const names = subgraphs.map((subgraph) => subgraph.name);
    for (const failure of result.errors) {
      const code = typeof failure.extensions.code === 'string' ? `${failure.extensions.code}: ` : '';
      const named = names.filter(
        (name) => failure.message.includes(`"${name}"`) || failure.message.includes(`[${name}]`),
      );
      // Composition quotes coordinates (`"Money.amount"`) and subgraph names alike; a coordinate
      // starts with a type name, which the naming rules make upper-case.
      const coordinate = [...failure.message.matchAll(/"([A-Z_]\w*(?:\.\w+)?)"/g)]
        .map((match) => match[1])
        .find((quoted) => quoted !== undefined && !names.includes(quoted));
      errors.push(error('composition', `${code}${failure.message}`, { subgraphs: named, coordinate }));
    }
    return { hints, errors };
  }
  return { supergraphSdl: ensureTrailingNewline(result.supergraphSdl), hints, errors };
}

export const ensureTrailingNewline = (text: string): string => (text.endsWith('\n') ? text : `${text}\n`);

/**
 * The public API of a supergraph: what clients can query, without `join__`/`link__` machinery,
 * `@inaccessible` elements or federation's own entry points. Rebuilt with this package's `graphql`
 * so it can be passed to `validate` and to GraphQL Inspector.
 */
export function apiSchemaOf(supergraphSdl: string): GraphQLSchema {
  const api = Supergraph.build(supergraphSdl).apiSchema();
  return buildSchema(printFederationSchema(api));
}

/**
 * Which subgraphs define each element of a supergraph, read from its `@join__type` and
 * `@join__field` directives: `Product` → `['product', 'order']`, `Query.products` → `['product']`.
 * Arguments, input fields and enum values are looked up through their type (see `ownersOf`).
 */
export function supergraphOwners(supergraphSdl: string): Map<string, string[]> {
  const owners = new Map<string, string[]>();
  let document: DocumentNode;
  try {
    document = parse(supergraphSdl, { noLocation: true });
  } catch {
    return owners;
  }
  const graphNames = new Map<string, string>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.ENUM_TYPE_DEFINITION && definition.name.value === 'join__Graph') {
      for (const value of definition.values ?? []) {
        const name = stringArgument(value.directives, 'join__graph', 'name');
        if (name !== undefined) graphNames.set(value.name.value, name);
      }
    }
  }
  const graphsOf = (directives: readonly ConstDirectiveNode[] | undefined, directive: string): string[] =>
    (directives ?? [])
      .filter((usage) => usage.name.value === directive)
      .map((usage) => usage.arguments?.find((argument) => argument.name.value === 'graph')?.value)
      .map((value) => (value?.kind === Kind.ENUM ? graphNames.get(value.value) : undefined))
      .filter((name): name is string => name !== undefined);

  for (const definition of document.definitions) {
    if (!isTypeDefinitionNode(definition)) continue;
    const type = definition.name.value;
    const typeGraphs = unique(graphsOf(definition.directives, 'join__type'));
    if (typeGraphs.length === 0) continue;
    owners.set(type, typeGraphs);
    if ('fields' in definition) {
      for (const field of definition.fields ?? []) {
        const fieldGraphs = unique(graphsOf(field.directives, 'join__field'));
        owners.set(`${type}.${field.name.value}`, fieldGraphs.length > 0 ? fieldGraphs : typeGraphs);
      }
    }
  }
  return owners;
}

/**
 * The subgraphs defining a coordinate, or its type when the coordinate is an argument, input field or
 * enum value (`Query.products.filter` → `Query.products`). The maps are tried in order for the exact
 * element before falling back to its type, so a field removed from the new supergraph is still
 * attributed to the subgraph that had it in the old one.
 */
export function ownersOf(
  maps: Map<string, string[]>[],
  coordinate: string | undefined,
): string[] | undefined {
  if (coordinate === undefined) return undefined;
  const parts = coordinate.split('.');
  for (let length = Math.min(parts.length, 2); length > 0; length -= 1) {
    for (const owners of maps) {
      const found = owners.get(parts.slice(0, length).join('.'));
      if (found) return found;
    }
  }
  return undefined;
}

function stringArgument(
  directives: readonly ConstDirectiveNode[] | undefined,
  directive: string,
  argument: string,
): string | undefined {
  const value = directives
    ?.find((usage) => usage.name.value === directive)
    ?.arguments?.find((candidate) => candidate.name.value === argument)?.value;
  return value?.kind === Kind.STRING ? value.value : undefined;
}

const unique = (values: string[]): string[] => [...new Set(values)];

export const describe = (cause: unknown): string =>
  cause instanceof GraphQLError || cause instanceof Error ? cause.message : String(cause);
