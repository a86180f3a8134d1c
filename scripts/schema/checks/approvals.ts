import { error, type Finding } from './finding';

export const APPROVALS_FILE = 'schema/approved-changes.json';

/**
 * A breaking change a reviewer accepted on purpose, committed in `schema/approved-changes.json`.
 * It matches a change by GraphQL Inspector change type and path, e.g.
 * `{ "change": "FIELD_REMOVED", "path": "Product.legacyField", "reason": "…", "approvedBy": "…" }`.
 */
export interface ApprovedChange {
  /** GraphQL Inspector change type: `FIELD_REMOVED`, `FIELD_TYPE_CHANGED`, `ENUM_VALUE_REMOVED`, … */
  change: string;
  /** Inspector path: `Product.legacyField`, `Query.products.filter` (an argument), `ProductSort.NEWEST`. */
  path: string;
  /** Why breaking clients is acceptable (printed by `schema:check`). */
  reason: string;
  /** Who approved it. */
  approvedBy: string;
  /** Optional: when, or a link to the discussion. */
  date?: string;
  link?: string;
}

const REQUIRED = ['change', 'path', 'reason', 'approvedBy'] as const;

/** Parses and validates the approvals file; a malformed entry is an error, so nothing is approved by accident. */
export function parseApprovals(
  json: string,
  file = APPROVALS_FILE,
): { approvals: ApprovedChange[]; errors: Finding[] } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (cause) {
    return {
      approvals: [],
      errors: [error('approval', `not valid JSON: ${(cause as Error).message}`, { file })],
    };
  }
  if (!Array.isArray(parsed)) {
    return {
      approvals: [],
      errors: [error('approval', 'must be a JSON array of approved changes', { file })],
    };
  }
  const approvals: ApprovedChange[] = [];
  const errors: Finding[] = [];
  parsed.forEach((entry: unknown, index) => {
    const record = typeof entry === 'object' && entry !== null ? (entry as Record<string, unknown>) : {};
    const missing = REQUIRED.filter(
      (key) => typeof record[key] !== 'string' || (record[key] as string).trim() === '',
    );
    if (missing.length > 0) {
      errors.push(
        error('approval', `entry ${index} needs non-empty ${missing.map((key) => `"${key}"`).join(', ')}`, {
          file,
          coordinate: typeof record.path === 'string' ? record.path : undefined,
        }),
      );
      return;
    }
    approvals.push(entry as ApprovedChange);
  });
  return { approvals, errors };
}

export const sameChange = (approval: ApprovedChange, change: { type: string; path?: string }): boolean =>
  approval.change === change.type && approval.path === (change.path ?? '');
