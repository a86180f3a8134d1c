/**
 * `npm run schema:check`: what a schema registry does before a deploy (see "Changing the schema safely" in the README).
 * Reads the code's SDLs, the committed copies, the published supergraph, the approvals and the client
 * operations, runs `runSchemaCheck`, prints the report and exits non-zero on any error. With
 * `APOLLO_KEY` + `APOLLO_GRAPH_REF` or `HIVE_TOKEN` set it also runs the hosted registry's check.
 */
import { describe } from './checks/composition';
import { error, type Finding } from './checks/finding';
import { formatReport, runSchemaCheck, type SubgraphUnderCheck } from './checks/run-checks';
import { executableFinder, planHostedChecks, runHostedChecks } from './hosted-registry';
import {
  APPROVALS_PATH,
  codeSdlPath,
  committedSdlPath,
  loadResolvers,
  PUBLISHED_METADATA_PATH,
  PUBLISHED_SUPERGRAPH_PATH,
  readIfExists,
  readOperationFiles,
  repoPath,
  ROOT,
  routingUrl,
  SUBGRAPHS,
  SUPERGRAPH_PATH,
} from './subgraphs';

async function main(): Promise<void> {
  const loadFindings: Finding[] = [];
  const subgraphs: SubgraphUnderCheck[] = [];
  for (const { name, port } of SUBGRAPHS) {
    const codeSdl = readIfExists(codeSdlPath(name));
    if (codeSdl === null) {
      loadFindings.push(error('input', `${repoPath(codeSdlPath(name))} not found`, { subgraphs: [name] }));
      continue;
    }
    let resolvers: object | undefined;
    try {
      resolvers = await loadResolvers(name);
    } catch (cause) {
      loadFindings.push(
        error('input', `cannot load resolvers from subgraphs/${name}/src/server.ts: ${describe(cause)}`, {
          subgraphs: [name],
        }),
      );
    }
    subgraphs.push({
      name,
      url: routingUrl(port),
      codeSdl,
      committedSdl: readIfExists(committedSdlPath(name)),
      resolvers,
    });
  }
  const operations = readOperationFiles();
  const publishedSupergraph = readIfExists(PUBLISHED_SUPERGRAPH_PATH);
  const metadata = readIfExists(PUBLISHED_METADATA_PATH);
  const published = metadata
    ? (JSON.parse(metadata) as { publishedAt?: string; commit?: string | null })
    : undefined;
  console.log(
    `schema:check: ${subgraphs.length} of ${SUBGRAPHS.length} subgraphs, ${operations.length} operation file(s), ` +
      (publishedSupergraph
        ? `published version of ${published?.publishedAt ?? 'unknown date'}${published?.commit ? ` (${published.commit.slice(0, 12)})` : ''}`
        : 'no published version'),
  );

  const report = await runSchemaCheck({
    subgraphs,
    committedSupergraph: readIfExists(SUPERGRAPH_PATH),
    publishedSupergraph,
    approvals: readIfExists(APPROVALS_PATH) ?? undefined,
    operations,
    loadFindings,
  });

  const hosted = planHostedChecks(
    process.env,
    subgraphs.map(({ name }) => ({ name, sdlPath: repoPath(committedSdlPath(name)) })),
    executableFinder(ROOT),
  );
  report.notes.push(...hosted.notes);
  const hostedFindings = runHostedChecks(hosted.checks, ROOT);
  report.findings.unshift(...hostedFindings);
  report.ok &&= hostedFindings.length === 0;

  console.log(formatReport(report));
  process.exit(report.ok ? 0 : 1);
}

main().catch((cause: unknown) => {
  console.error(cause);
  process.exit(1);
});
