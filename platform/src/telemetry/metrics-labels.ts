/** The label value of names past the cap of a {@link BoundedLabel}. */
export const OTHER_LABEL = 'other';

/**
 * Label values chosen by clients (operation names) kept bounded: the first `limit` distinct values
 * are used as they are, every later one is `other`, so a client inventing names cannot grow the
 * number of series without end. Values are also cut to 100 characters.
 */
export class BoundedLabel {
  private readonly seen = new Set<string>();

  constructor(private readonly limit: number) {}

  of(value: string): string {
    const label = value.slice(0, 100);
    if (this.seen.has(label)) return label;
    if (this.seen.size >= this.limit) return OTHER_LABEL;
    this.seen.add(label);
    return label;
  }
}
