import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'graphql';
import type { ServiceDefinition } from '@apollo/federation-internals';

export const ROOT = join(__dirname, '..', '..');
export const SCHEMA_DIR = join(ROOT, 'schema');
export const SUPERGRAPH_PATH = join(SCHEMA_DIR, 'supergraph.graphql');

/** The subgraphs in composition order, with the routing URLs of the local stack. */
export const SUBGRAPHS = [
  { name: 'user', port: 4001 },
  { name: 'product', port: 4002 },
  { name: 'cart', port: 4003 },
  { name: 'order', port: 4004 },
  { name: 'payment', port: 4005 },
  { name: 'delivery', port: 4006 },
] as const;

/** A subgraph's SDL as the code serves it (`subgraphs/<name>/src/schema.graphql`). */
export const codeSdl = (name: string): string =>
  readFileSync(join(ROOT, 'subgraphs', name, 'src', 'schema.graphql'), 'utf8');

export const committedSdlPath = (name: string): string => join(SCHEMA_DIR, `${name}.graphql`);

export function serviceDefinitions(sdlOf: (name: string) => string = codeSdl): ServiceDefinition[] {
  return SUBGRAPHS.map(({ name, port }) => ({
    name,
    url: `http://127.0.0.1:${port}/graphql`,
    typeDefs: parse(sdlOf(name)),
  }));
}
