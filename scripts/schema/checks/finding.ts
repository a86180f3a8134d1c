/** Which part of `schema:check` produced a finding. */
export type CheckName =
  | 'input'
  | 'stale-sdl'
  | 'stale-supergraph'
  | 'composition'
  | 'breaking-change'
  | 'approval'
  | 'operation'
  | 'lint'
  | 'hosted-registry';

/**
 * One result of a check. `error` fails `schema:check`; `warning` is printed and exits 0.
 * The location fields are filled when known, so a reader can go straight to the line to change.
 */
export interface Finding {
  check: CheckName;
  severity: 'error' | 'warning';
  message: string;
  /** The subgraph(s) that define the element, e.g. `['product']`. */
  subgraphs?: string[];
  /** Schema coordinate: `Product`, `Product.price`, `Query.products(filter:)`, `ProductSort.NEWEST`. */
  coordinate?: string;
  /** Repository-relative file, e.g. `schema/operations/web/catalog.graphql`. */
  file?: string;
}

export const error = (
  check: CheckName,
  message: string,
  where: Omit<Finding, 'check' | 'severity' | 'message'> = {},
): Finding => ({
  check,
  severity: 'error',
  message,
  ...where,
});

export const warning = (
  check: CheckName,
  message: string,
  where: Omit<Finding, 'check' | 'severity' | 'message'> = {},
): Finding => ({ check, severity: 'warning', message, ...where });

/** A subgraph's SDL as text, with the routing URL composition records in the supergraph. */
export interface SubgraphSdl {
  name: string;
  sdl: string;
  url?: string;
}

/** One line for a terminal: `[check] subgraph product, Product.price: message (file)`. */
export function formatFinding(finding: Finding): string {
  const where = [
    finding.subgraphs && finding.subgraphs.length > 0
      ? `subgraph${finding.subgraphs.length > 1 ? 's' : ''} ${finding.subgraphs.join(', ')}`
      : undefined,
    finding.coordinate,
    finding.file !== undefined && !finding.message.includes(finding.file) ? finding.file : undefined,
  ].filter((part): part is string => part !== undefined);
  return `[${finding.check}] ${where.length > 0 ? `${where.join(' · ')}: ` : ''}${finding.message}`;
}
