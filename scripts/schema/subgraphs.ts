import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse } from 'graphql';
import type { ServiceDefinition } from '@apollo/federation-internals';

export const ROOT = join(__dirname, '..', '..');
export const SCHEMA_DIR = join(ROOT, 'schema');
export const SUPERGRAPH_PATH = join(SCHEMA_DIR, 'supergraph.graphql');
/** The last published supergraph: what production runs, the baseline for breaking changes. */
export const PUBLISHED_DIR = join(SCHEMA_DIR, 'published');
export const PUBLISHED_SUPERGRAPH_PATH = join(PUBLISHED_DIR, 'supergraph.graphql');
export const PUBLISHED_METADATA_PATH = join(PUBLISHED_DIR, 'metadata.json');
/** Breaking changes accepted on purpose, each with a reason. */
export const APPROVALS_PATH = join(SCHEMA_DIR, 'approved-changes.json');
/** Client operations (Playground examples, web, mobile) that must keep validating. */
export const OPERATIONS_DIR = join(SCHEMA_DIR, 'operations');

/** The subgraphs in composition order, with the routing URLs of the local stack. */
export const SUBGRAPHS = [
  { name: 'user', port: 4001 },
  { name: 'product', port: 4002 },
  { name: 'cart', port: 4003 },
  { name: 'order', port: 4004 },
  { name: 'payment', port: 4005 },
  { name: 'delivery', port: 4006 },
] as const;

export const routingUrl = (port: number): string => `http://127.0.0.1:${port}/graphql`;

export const codeSdlPath = (name: string): string => join(ROOT, 'subgraphs', name, 'src', 'schema.graphql');

/** A subgraph's SDL as the code serves it (`subgraphs/<name>/src/schema.graphql`). */
export const codeSdl = (name: string): string => readFileSync(codeSdlPath(name), 'utf8');

export const committedSdlPath = (name: string): string => join(SCHEMA_DIR, `${name}.graphql`);

/** Repository-relative path with forward slashes, for messages. */
export const repoPath = (path: string): string => relative(ROOT, path).split('\\').join('/');

/** The file's text, or `null` when it does not exist. */
export const readIfExists = (path: string): string | null =>
  existsSync(path) ? readFileSync(path, 'utf8') : null;

export function serviceDefinitions(sdlOf: (name: string) => string = codeSdl): ServiceDefinition[] {
  return SUBGRAPHS.map(({ name, port }) => ({
    name,
    url: routingUrl(port),
    typeDefs: parse(sdlOf(name)),
  }));
}

/** Every `.graphql` file under `schema/operations/`, sorted, with repository-relative paths. */
export function readOperationFiles(dir = OPERATIONS_DIR): { path: string; body: string }[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.graphql'))
    .sort()
    .map((file) => ({ path: repoPath(join(dir, file)), body: readFileSync(join(dir, file), 'utf8') }));
}

/**
 * The resolver map a subgraph's server is built with, from the `<name>Subgraph` definition exported
 * by `subgraphs/<name>/src/server.ts` (building it has no side effects).
 */
export async function loadResolvers(name: string): Promise<object> {
  const server = (await import(join(ROOT, 'subgraphs', name, 'src', 'server'))) as Record<string, unknown>;
  const definition = server[`${name}Subgraph`];
  if (typeof definition !== 'object' || definition === null || !('resolvers' in definition)) {
    throw new Error(`subgraphs/${name}/src/server.ts does not export ${name}Subgraph with resolvers`);
  }
  const { resolvers } = definition as { resolvers: unknown };
  if (typeof resolvers !== 'object' || resolvers === null)
    throw new Error(`${name}Subgraph.resolvers is not an object`);
  return resolvers;
}
