/**
 * `npm run schema:compose`: copies each subgraph's SDL from the code into `schema/<name>.graphql`
 * and composes `schema/supergraph.graphql` with Apollo composition, printing its hints.
 * A running gateway picks the new supergraph up without a restart.
 */
import { writeFileSync } from 'node:fs';
import { composeServices } from '@apollo/composition';
import { codeSdl, committedSdlPath, serviceDefinitions, SUBGRAPHS, SUPERGRAPH_PATH } from './subgraphs';

function main(): void {
  for (const { name } of SUBGRAPHS) writeFileSync(committedSdlPath(name), codeSdl(name));
  const result = composeServices(serviceDefinitions());
  for (const hint of result.hints ?? []) console.log(`hint: ${hint.definition.code}: ${hint.message}`);
  if (result.errors) {
    for (const error of result.errors) console.error(`composition error: ${error.message}`);
    process.exit(1);
  }
  writeFileSync(
    SUPERGRAPH_PATH,
    result.supergraphSdl.endsWith('\n') ? result.supergraphSdl : `${result.supergraphSdl}\n`,
  );
  console.log(`composed ${SUBGRAPHS.length} subgraphs into schema/supergraph.graphql`);
}

main();
