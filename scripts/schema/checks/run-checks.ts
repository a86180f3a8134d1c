import { type ApprovedChange, parseApprovals } from './approvals';
import { type AcceptedChange, checkBreakingChanges } from './breaking-changes';
import { apiSchemaOf, composeSubgraphs, describe, ownersOf, supergraphOwners } from './composition';
import { error, type Finding, formatFinding } from './finding';
import { checkCommittedSdls, checkCommittedSupergraph } from './freshness';
import { lintSubgraphs, type SubgraphWithResolvers } from './lint';
import { type OperationFile, validateOperations } from './operations';

/** One subgraph as the check sees it. */
export interface SubgraphUnderCheck {
  name: string;
  /** Routing URL recorded in the supergraph. */
  url?: string;
  /** The SDL the code serves (`subgraphs/<name>/src/schema.graphql`). */
  codeSdl: string;
  /** The committed copy (`schema/<name>.graphql`): `null` when missing, `undefined` to skip the comparison. */
  committedSdl?: string | null;
  /** The server's resolver map, for the entity resolvability rule; `undefined` skips the rule. */
  resolvers?: object | object[];
}

/** Everything `schema:check` reads, as values: the CLI loads it from disk, tests pass fixtures. */
export interface SchemaCheckInput {
  subgraphs: SubgraphUnderCheck[];
  /** `schema/supergraph.graphql`: `null` when missing, `undefined` to skip the comparison. */
  committedSupergraph?: string | null;
  /** `schema/published/supergraph.graphql`; absent before the first publish. */
  publishedSupergraph?: string | null;
  /** The approvals file's text (`schema/approved-changes.json`), or already parsed entries. */
  approvals?: string | ApprovedChange[];
  operations?: OperationFile[];
  /** Problems found while loading the inputs (e.g. a subgraph's server failed to import). */
  loadFindings?: Finding[];
}

export interface SchemaCheckReport {
  ok: boolean;
  /** Errors first, then warnings. */
  findings: Finding[];
  /** Breaking changes let through by an approval, with the approval's reason. */
  accepted: AcceptedChange[];
  /** Non-breaking API changes against the published version. */
  safe: string[];
  hints: string[];
  /** Which checks ran or were skipped, and why. */
  notes: string[];
  /** The supergraph composed from the code, when composition succeeded. */
  supergraphSdl?: string;
}

/**
 * Runs every registry check on the given SDLs and operations: committed SDLs and supergraph fresh,
 * composition, breaking changes against the published API (unless approved), client operations,
 * lint. Pure apart from the time it takes: no file or network access.
 */
export async function runSchemaCheck(input: SchemaCheckInput): Promise<SchemaCheckReport> {
  const findings: Finding[] = [...(input.loadFindings ?? [])];
  const notes: string[] = [];
  const report = (extra: Partial<SchemaCheckReport> = {}): SchemaCheckReport => {
    const errors = findings.filter((finding) => finding.severity === 'error');
    const warnings = findings.filter((finding) => finding.severity === 'warning');
    return {
      ok: errors.length === 0,
      findings: [...errors, ...warnings],
      accepted: [],
      safe: [],
      hints: [],
      notes,
      ...extra,
    };
  };

  findings.push(
    ...checkCommittedSdls(
      input.subgraphs
        .filter((subgraph) => subgraph.committedSdl !== undefined)
        .map(({ name, codeSdl, committedSdl }) => ({
          name,
          codeSdl,
          committedSdl: committedSdl ?? undefined,
        })),
    ),
  );

  const approvals =
    typeof input.approvals === 'string'
      ? parseApprovals(input.approvals)
      : { approvals: input.approvals ?? [], errors: [] };
  findings.push(...approvals.errors);

  const subgraphSdls = input.subgraphs.map(({ name, url, codeSdl }) => ({ name, url, sdl: codeSdl }));
  const resolvers: SubgraphWithResolvers[] = input.subgraphs.flatMap(({ name, codeSdl, resolvers: map }) =>
    map === undefined ? [] : [{ name, sdl: codeSdl, resolvers: map }],
  );
  findings.push(...lintSubgraphs(subgraphSdls, resolvers));
  if (resolvers.length < input.subgraphs.length) {
    notes.push('entity resolvability: checked only for subgraphs whose resolvers were loaded');
  }

  const composition = composeSubgraphs(subgraphSdls);
  findings.push(...composition.errors);
  const supergraphSdl = composition.supergraphSdl;
  if (supergraphSdl === undefined) {
    notes.push('composition failed: the supergraph, breaking-change and operation checks did not run');
    return report({ hints: composition.hints });
  }

  if (input.committedSupergraph !== undefined) {
    findings.push(...checkCommittedSupergraph(supergraphSdl, input.committedSupergraph ?? undefined));
  }

  let accepted: AcceptedChange[] = [];
  let safe: string[] = [];
  if (input.publishedSupergraph) {
    const apiDiff = await checkBreakingChanges(input.publishedSupergraph, supergraphSdl, approvals.approvals);
    findings.push(...apiDiff.findings);
    accepted = apiDiff.accepted;
    safe = apiDiff.safe;
  } else {
    notes.push(
      'no published supergraph yet (schema/published/supergraph.graphql): breaking changes not checked; ' +
        'run `npm run schema:publish` when this version is deployed',
    );
  }

  const operations = input.operations ?? [];
  if (operations.length > 0) {
    try {
      // Name the subgraph to look at: the one defining the field now, or (removed) in the published version.
      const owners = [supergraphOwners(supergraphSdl), supergraphOwners(input.publishedSupergraph ?? '')];
      for (const finding of validateOperations(apiSchemaOf(supergraphSdl), operations)) {
        const subgraphs = ownersOf(owners, finding.coordinate);
        findings.push(subgraphs ? { ...finding, subgraphs } : finding);
      }
    } catch (cause) {
      findings.push(error('operation', `cannot build the API schema: ${describe(cause)}`));
    }
  } else {
    notes.push('no client operations given: operation validation skipped');
  }

  return report({ accepted, safe, hints: composition.hints, supergraphSdl });
}

/** The report as terminal text. */
export function formatReport(report: SchemaCheckReport): string {
  const lines: string[] = [];
  const errors = report.findings.filter((finding) => finding.severity === 'error');
  const warnings = report.findings.filter((finding) => finding.severity === 'warning');
  if (report.hints.length > 0) {
    lines.push(
      `composition hints (${report.hints.length}):`,
      ...report.hints.map((hint) => `  hint: ${hint.split('\n').join('\n      ')}`),
    );
  }
  for (const note of report.notes) lines.push(`note: ${note}`);
  if (report.accepted.length > 0) {
    lines.push(`approved breaking changes (${report.accepted.length}):`);
    for (const { change, path, message, approval } of report.accepted) {
      lines.push(
        `  ${change} ${path}: ${message}`,
        `    approved by ${approval.approvedBy}: ${approval.reason}`,
      );
    }
  }
  if (report.safe.length > 0) {
    lines.push(`safe API changes against the published version (${report.safe.length}):`);
    lines.push(...report.safe.map((change) => `  ${change}`));
  }
  if (warnings.length > 0)
    lines.push(`warnings (${warnings.length}):`, ...warnings.map((w) => `  ${formatFinding(w)}`));
  if (errors.length > 0)
    lines.push(`errors (${errors.length}):`, ...errors.map((e) => `  ${formatFinding(e)}`));
  lines.push(
    report.ok
      ? `schema check passed${warnings.length > 0 ? ` with ${warnings.length} warning(s)` : ''}`
      : `schema check FAILED: ${errors.length} error(s)`,
  );
  return lines.join('\n');
}
