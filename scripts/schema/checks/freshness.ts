import { describe, ownersOf, supergraphOwners } from './composition';
import { error, type Finding } from './finding';
import { diffSdl, type SdlDifference } from './sdl-diff';

/** A subgraph's SDL as the code serves it, and the copy committed under `schema/` (absent: never composed). */
export interface CommittedSdl {
  name: string;
  codeSdl: string;
  committedSdl: string | undefined;
  /** Where the committed copy lives, for the message (default `schema/<name>.graphql`). */
  committedPath?: string;
}

const RECOMPOSE = 'run `npm run schema:compose` and commit the result';

/**
 * Each committed subgraph SDL must equal the code's byte for byte: the gateway and the registry
 * checks read the committed copy, so a stale one hides a change from review. The message lists the
 * types and fields that differ.
 */
export function checkCommittedSdls(subgraphs: CommittedSdl[]): Finding[] {
  const findings: Finding[] = [];
  for (const { name, codeSdl, committedSdl, committedPath = `schema/${name}.graphql` } of subgraphs) {
    if (committedSdl === codeSdl) continue;
    if (committedSdl === undefined) {
      findings.push(
        error('stale-sdl', `${committedPath} is missing; ${RECOMPOSE}`, {
          subgraphs: [name],
          file: committedPath,
        }),
      );
      continue;
    }
    let differences: SdlDifference[];
    try {
      differences = diffSdl(committedSdl, codeSdl);
    } catch (cause) {
      findings.push(
        error('stale-sdl', `${committedPath} differs from the code (${describe(cause)}); ${RECOMPOSE}`, {
          subgraphs: [name],
          file: committedPath,
        }),
      );
      continue;
    }
    if (differences.length === 0) {
      findings.push(
        error(
          'stale-sdl',
          `${committedPath} differs from the code in comments or formatting only; ${RECOMPOSE}`,
          {
            subgraphs: [name],
            file: committedPath,
          },
        ),
      );
      continue;
    }
    for (const difference of differences) {
      findings.push(
        error('stale-sdl', `${committedPath} is stale: ${explain(difference, 'the code')}; ${RECOMPOSE}`, {
          subgraphs: [name],
          coordinate: difference.coordinate,
          file: committedPath,
        }),
      );
    }
  }
  return findings;
}

/**
 * The committed supergraph (what the gateway serves) must be the composition of the code's SDLs.
 * Each differing element names the subgraphs that contribute it.
 */
export function checkCommittedSupergraph(
  composedSdl: string,
  committedSdl: string | undefined,
  committedPath = 'schema/supergraph.graphql',
): Finding[] {
  if (committedSdl === composedSdl) return [];
  if (committedSdl === undefined)
    return [error('stale-supergraph', `${committedPath} is missing; ${RECOMPOSE}`, { file: committedPath })];
  let differences: SdlDifference[];
  try {
    differences = diffSdl(committedSdl, composedSdl);
  } catch (cause) {
    return [
      error('stale-supergraph', `${committedPath} does not parse (${describe(cause)}); ${RECOMPOSE}`, {
        file: committedPath,
      }),
    ];
  }
  if (differences.length === 0) {
    return [
      error(
        'stale-supergraph',
        `${committedPath} differs from the composition in formatting only; ${RECOMPOSE}`,
        {
          file: committedPath,
        },
      ),
    ];
  }
  const composedOwners = supergraphOwners(composedSdl);
  const committedOwners = supergraphOwners(committedSdl);
  return differences.map((difference) =>
    error(
      'stale-supergraph',
      `${committedPath} is stale: ${explain(difference, 'the composition of the code')}; ${RECOMPOSE}`,
      {
        subgraphs: ownersOf([composedOwners, committedOwners], difference.coordinate),
        coordinate: difference.coordinate,
        file: committedPath,
      },
    ),
  );
}

function explain({ coordinate, kind }: SdlDifference, source: string): string {
  switch (kind) {
    case 'added':
      return `${coordinate} is in ${source} but not committed`;
    case 'removed':
      return `${coordinate} is committed but no longer in ${source}`;
    case 'changed':
      return `${coordinate} differs from ${source}`;
  }
}
