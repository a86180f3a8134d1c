import { Client } from 'pg';
import { SUBGRAPHS } from './schema/subgraphs';

/**
 * Drops the databases a whole stack started with `DATABASE_PREFIX=<prefix>` created (one per
 * subgraph), so the scripts that start throwaway stacks (the quick-start smoke, benchmarks) leave
 * nothing behind.
 */
export async function dropStackDatabases(databaseUrl: string, prefix: string): Promise<void> {
  const client = new Client({ connectionString: `${databaseUrl}/postgres` });
  await client.connect();
  try {
    for (const { name } of SUBGRAPHS)
      await client.query(`drop database if exists "${prefix}_${name}" with (force)`);
  } finally {
    await client.end();
  }
}
