import { type Change, CriticalityLevel, diff } from '@graphql-inspector/core';
import { APPROVALS_FILE, type ApprovedChange, sameChange } from './approvals';
import { apiSchemaOf, describe, ownersOf, supergraphOwners } from './composition';
import { error, type Finding, warning } from './finding';

/** A breaking change that an entry of the approvals file accepts. */
export interface AcceptedChange {
  change: string;
  path: string;
  message: string;
  approval: ApprovedChange;
}

export interface ApiDiff {
  /** Unapproved breaking changes (errors), dangerous changes and unused approvals (warnings). */
  findings: Finding[];
  /** Breaking changes let through by an approval, with its reason. */
  accepted: AcceptedChange[];
  /** Safe changes, one line each (`FIELD_ADDED Product.rating: …`). */
  safe: string[];
}

/**
 * Compares the public API (API schema) of the published supergraph with the new one using GraphQL
 * Inspector. Breaking changes fail unless approved by change type + path; dangerous ones (a new enum
 * value, a changed argument default) are warnings. Each finding names the subgraphs that define
 * the element, in the new supergraph or, for removals, in the published one.
 */
export async function checkBreakingChanges(
  publishedSupergraph: string,
  currentSupergraph: string,
  approvals: ApprovedChange[],
): Promise<ApiDiff> {
  let changes: Change[];
  try {
    changes = await diff(apiSchemaOf(publishedSupergraph), apiSchemaOf(currentSupergraph));
  } catch (cause) {
    return {
      findings: [
        error('breaking-change', `cannot compare with the published supergraph: ${describe(cause)}`),
      ],
      accepted: [],
      safe: [],
    };
  }
  const currentOwners = supergraphOwners(currentSupergraph);
  const publishedOwners = supergraphOwners(publishedSupergraph);
  const where = (change: Change): Pick<Finding, 'subgraphs' | 'coordinate'> => ({
    subgraphs: ownersOf([currentOwners, publishedOwners], change.path),
    coordinate: change.path,
  });

  const findings: Finding[] = [];
  const accepted: AcceptedChange[] = [];
  const safe: string[] = [];
  const used = new Set<ApprovedChange>();
  for (const change of changes) {
    const summary = `${change.type}: ${change.message}`;
    switch (change.criticality.level) {
      case CriticalityLevel.Breaking: {
        const approval = approvals.find((candidate) => sameChange(candidate, change));
        if (approval) {
          used.add(approval);
          accepted.push({ change: change.type, path: change.path ?? '', message: change.message, approval });
          break;
        }
        const stanza = JSON.stringify({
          change: change.type,
          path: change.path ?? '',
          reason: '…',
          approvedBy: '…',
        });
        findings.push(
          error(
            'breaking-change',
            `${summary}. Clients built against the published schema would break. ` +
              `If this is intended, add ${stanza} to ${APPROVALS_FILE}`,
            where(change),
          ),
        );
        break;
      }
      case CriticalityLevel.Dangerous:
        findings.push(
          warning(
            'breaking-change',
            `dangerous: ${summary}${change.criticality.reason ? ` (${change.criticality.reason})` : ''}`,
            where(change),
          ),
        );
        break;
      default:
        safe.push(`${change.type} ${change.path ?? ''}: ${change.message}`);
    }
  }
  for (const approval of approvals) {
    if (used.has(approval)) continue;
    findings.push(
      warning(
        'approval',
        `approval of ${approval.change} ${approval.path} matches no change against the published schema; remove it`,
        { file: APPROVALS_FILE, coordinate: approval.path },
      ),
    );
  }
  return { findings, accepted, safe };
}
