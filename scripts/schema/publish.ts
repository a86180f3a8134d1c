/**
 * `npm run schema:publish [-- --dry-run] [-- --force]`: records the committed supergraph as the
 * published version, i.e. what production runs — run it when a deploy goes out and commit the result.
 * Writes `schema/published/supergraph.graphql` and `schema/published/metadata.json` (date, commit,
 * checksums, the approved breaking changes this version shipped), and removes those approvals from
 * `schema/approved-changes.json` so they cannot approve a later, unrelated change on the same path.
 *
 * Refuses when the committed supergraph is not the composition of the code (run `schema:compose`),
 * and when it has unapproved breaking changes against the previous published version (`--force`
 * publishes anyway and records `forced: true`: production already runs it).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { format, resolveConfig } from 'prettier';
import { parseApprovals } from './checks/approvals';
import { checkBreakingChanges } from './checks/breaking-changes';
import { composeSubgraphs } from './checks/composition';
import { formatFinding } from './checks/finding';
import { checkCommittedSupergraph } from './checks/freshness';
import {
  APPROVALS_PATH,
  codeSdl,
  codeSdlPath,
  PUBLISHED_DIR,
  PUBLISHED_METADATA_PATH,
  PUBLISHED_SUPERGRAPH_PATH,
  readIfExists,
  repoPath,
  ROOT,
  routingUrl,
  SUBGRAPHS,
  SUPERGRAPH_PATH,
} from './subgraphs';

const dryRun = process.argv.includes('--dry-run');
const force = process.argv.includes('--force');

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

function git(...args: string[]): string | null {
  try {
    return execFileSync('git', args, {
      cwd: ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return null;
  }
}

async function prettier(text: string, path: string): Promise<string> {
  const options = (await resolveConfig(path)) ?? {};
  return format(text, { ...options, filepath: path });
}

function fail(message: string): never {
  console.error(`schema:publish refused: ${message}`);
  process.exit(1);
}

async function main(): Promise<void> {
  const missing = SUBGRAPHS.filter(({ name }) => readIfExists(codeSdlPath(name)) === null);
  if (missing.length > 0)
    fail(`no SDL for ${missing.map(({ name }) => name).join(', ')}; every subgraph must compose`);
  const subgraphs = SUBGRAPHS.map(({ name, port }) => ({ name, url: routingUrl(port), sdl: codeSdl(name) }));
  const composition = composeSubgraphs(subgraphs);
  if (composition.supergraphSdl === undefined) {
    for (const failure of composition.errors) console.error(formatFinding(failure));
    fail('composition failed');
  }
  const supergraph = readIfExists(SUPERGRAPH_PATH);
  const stale = checkCommittedSupergraph(composition.supergraphSdl, supergraph ?? undefined);
  if (supergraph === null || stale.length > 0) {
    for (const finding of stale) console.error(formatFinding(finding));
    fail('schema/supergraph.graphql is not the composition of the code; run `npm run schema:compose` first');
  }

  const previous = readIfExists(PUBLISHED_SUPERGRAPH_PATH);
  const approvalsText = readIfExists(APPROVALS_PATH) ?? '[]';
  const { approvals, errors: approvalErrors } = parseApprovals(approvalsText);
  if (approvalErrors.length > 0) {
    for (const finding of approvalErrors) console.error(formatFinding(finding));
    fail(`${repoPath(APPROVALS_PATH)} is malformed`);
  }
  const apiDiff = previous ? await checkBreakingChanges(previous, supergraph, approvals) : undefined;
  const unapproved = (apiDiff?.findings ?? []).filter((finding) => finding.severity === 'error');
  if (unapproved.length > 0) {
    for (const finding of unapproved) console.error(formatFinding(finding));
    if (!force)
      fail(
        `${unapproved.length} unapproved breaking change(s) against the published version (--force to record anyway)`,
      );
    console.warn(`--force: publishing with ${unapproved.length} unapproved breaking change(s)`);
  }
  if (previous && sha256(previous) === sha256(await prettier(supergraph, PUBLISHED_SUPERGRAPH_PATH))) {
    console.log('the published version is already this supergraph; nothing to do');
    return;
  }

  const accepted = apiDiff?.accepted ?? [];
  const commit = git('rev-parse', 'HEAD');
  const metadata = {
    publishedAt: new Date().toISOString(),
    commit,
    /** False when the working tree had uncommitted changes under subgraphs/ or schema/ at publish time. */
    workingTreeClean:
      commit === null ? null : git('status', '--porcelain', '--', 'subgraphs', 'schema') === '',
    supergraphSha256: sha256(supergraph),
    subgraphs: subgraphs.map(({ name, sdl }) => ({ name, sdlSha256: sha256(sdl) })),
    acceptedBreakingChanges: accepted.map(({ approval }) => approval),
    ...(unapproved.length > 0
      ? { forced: true, unapprovedBreakingChanges: unapproved.map((finding) => finding.message) }
      : {}),
  };
  const remaining = approvals.filter((approval) => !accepted.some((change) => change.approval === approval));

  const published = await prettier(supergraph, PUBLISHED_SUPERGRAPH_PATH);
  const metadataJson = await prettier(JSON.stringify(metadata, null, 2), PUBLISHED_METADATA_PATH);
  const approvalsJson = await prettier(JSON.stringify(remaining, null, 2), APPROVALS_PATH);
  console.log(
    `${previous ? 'updating' : 'creating'} ${repoPath(PUBLISHED_SUPERGRAPH_PATH)} (commit ${commit ?? 'unknown'})`,
  );
  for (const { change, path, approval } of accepted) {
    console.log(`  ships approved ${change} ${path} (${approval.approvedBy}: ${approval.reason})`);
  }
  if (dryRun) {
    console.log('--dry-run: nothing written');
    return;
  }
  mkdirSync(PUBLISHED_DIR, { recursive: true });
  writeFileSync(PUBLISHED_SUPERGRAPH_PATH, published);
  writeFileSync(PUBLISHED_METADATA_PATH, metadataJson);
  if (accepted.length > 0) {
    writeFileSync(APPROVALS_PATH, approvalsJson);
    console.log(`  removed ${accepted.length} shipped approval(s) from ${repoPath(APPROVALS_PATH)}`);
  }
  console.log(`published; commit ${repoPath(PUBLISHED_DIR)}/ and ${repoPath(APPROVALS_PATH)}`);
}

main().catch((cause: unknown) => {
  console.error(cause);
  process.exit(1);
});
