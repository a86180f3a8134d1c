import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { error, type Finding } from './checks/finding';

/** One hosted-registry command to run for one subgraph. */
export interface HostedCheck {
  registry: 'GraphOS (rover)' | 'GraphQL Hive';
  subgraph: string;
  executable: string;
  args: string[];
  /** The command line as printed: secrets replaced by `***`. */
  display: string;
}

/**
 * Optional checks against a hosted schema registry, on top of the local ones: Apollo GraphOS when
 * `APOLLO_KEY` and `APOLLO_GRAPH_REF` are set (`rover subgraph check`), GraphQL Hive when `HIVE_TOKEN`
 * is set (`hive schema:check`, with `HIVE_TARGET` if given). Neither CLI is a dependency: when the
 * executable is not in `node_modules/.bin` or on `PATH`, the check is skipped with a note.
 */
export function planHostedChecks(
  env: NodeJS.ProcessEnv,
  subgraphs: { name: string; sdlPath: string }[],
  findExecutable: (name: string) => string | undefined,
): { checks: HostedCheck[]; notes: string[] } {
  const checks: HostedCheck[] = [];
  const notes: string[] = [];
  if (env.APOLLO_KEY) {
    const graphRef = env.APOLLO_GRAPH_REF;
    const rover = findExecutable('rover');
    if (!graphRef)
      notes.push('APOLLO_KEY is set but APOLLO_GRAPH_REF (graph@variant) is not: GraphOS check skipped');
    else if (!rover) {
      notes.push(
        'APOLLO_KEY is set but the rover CLI is not installed (npm i -D @apollo/rover): GraphOS check skipped',
      );
    } else {
      for (const { name, sdlPath } of subgraphs) {
        // rover reads APOLLO_KEY from the environment itself.
        const args = ['subgraph', 'check', graphRef, '--name', name, '--schema', sdlPath];
        checks.push({
          registry: 'GraphOS (rover)',
          subgraph: name,
          executable: rover,
          args,
          display: `rover ${args.join(' ')}`,
        });
      }
    }
  }
  if (env.HIVE_TOKEN) {
    const hive = findExecutable('hive');
    if (!hive) {
      notes.push(
        'HIVE_TOKEN is set but the hive CLI is not installed (npm i -D @graphql-hive/cli): Hive check skipped',
      );
    } else {
      for (const { name, sdlPath } of subgraphs) {
        const target = env.HIVE_TARGET ? ['--target', env.HIVE_TARGET] : [];
        const args = ['schema:check', sdlPath, '--service', name, ...target, '--registry.accessToken'];
        checks.push({
          registry: 'GraphQL Hive',
          subgraph: name,
          executable: hive,
          args: [...args, env.HIVE_TOKEN],
          display: `hive ${args.join(' ')} ***`,
        });
      }
    }
  }
  return { checks, notes };
}

/** An executable in the project's `node_modules/.bin` or on `PATH`, without installing anything. */
export function executableFinder(
  root: string,
  env: NodeJS.ProcessEnv = process.env,
): (name: string) => string | undefined {
  return (name) => {
    const dirs = [join(root, 'node_modules', '.bin'), ...(env.PATH ?? '').split(delimiter).filter(Boolean)];
    const suffixes = process.platform === 'win32' ? ['.cmd', '.exe', ''] : [''];
    for (const dir of dirs) {
      for (const suffix of suffixes) {
        const candidate = join(dir, `${name}${suffix}`);
        if (existsSync(candidate)) return candidate;
      }
    }
    return undefined;
  };
}

/** Runs the planned checks, streaming their output; a failing one is an error finding. */
export function runHostedChecks(checks: HostedCheck[], cwd: string): Finding[] {
  const findings: Finding[] = [];
  for (const check of checks) {
    console.log(`$ ${check.display}`);
    const result = spawnSync(check.executable, check.args, { cwd, stdio: 'inherit' });
    if (result.status !== 0) {
      findings.push(
        error(
          'hosted-registry',
          `${check.registry} check failed (${result.error?.message ?? `exit code ${result.status ?? result.signal}`})`,
          { subgraphs: [check.subgraph] },
        ),
      );
    }
  }
  return findings;
}
