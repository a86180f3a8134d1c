/**
 * `npm run schema:compose`: copies each subgraph's SDL from the code into `schema/<name>.graphql`
 * and composes `schema/supergraph.graphql` with Apollo composition, printing its hints.
 * A running gateway picks the new supergraph up without a restart.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { composeSubgraphs } from './checks/composition';
import { formatFinding } from './checks/finding';
import {
  codeSdl,
  codeSdlPath,
  committedSdlPath,
  repoPath,
  routingUrl,
  SUBGRAPHS,
  SUPERGRAPH_PATH,
} from './subgraphs';

function main(): void {
  const missing = SUBGRAPHS.filter(({ name }) => !existsSync(codeSdlPath(name)));
  const subgraphs = SUBGRAPHS.filter((subgraph) => !missing.includes(subgraph)).map(({ name, port }) => ({
    name,
    url: routingUrl(port),
    sdl: codeSdl(name),
  }));
  for (const { name, sdl } of subgraphs) writeFileSync(committedSdlPath(name), sdl);
  if (missing.length > 0) {
    for (const { name } of missing)
      console.error(`subgraph ${name}: ${repoPath(codeSdlPath(name))} not found`);
    console.error('not composing: every subgraph needs its SDL');
    process.exit(1);
  }

  const outcome = composeSubgraphs(subgraphs);
  for (const hint of outcome.hints) console.log(`hint: ${hint}`);
  if (outcome.supergraphSdl === undefined) {
    for (const failure of outcome.errors) console.error(formatFinding(failure));
    console.error(
      `composition failed with ${outcome.errors.length} error(s); schema/supergraph.graphql unchanged`,
    );
    process.exit(1);
  }
  writeFileSync(SUPERGRAPH_PATH, outcome.supergraphSdl);
  console.log(`composed ${subgraphs.length} subgraphs into ${repoPath(SUPERGRAPH_PATH)}`);
}

main();
