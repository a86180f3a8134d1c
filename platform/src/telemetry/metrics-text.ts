/** One sample of a Prometheus text exposition. */
export interface MetricSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface MetricFamily {
  name: string;
  type: string;
  help: string;
  samples: MetricSample[];
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);
const SAMPLE = new RegExp(`^(${NAME})(?:\\{(.*)\\})? (\\S+)(?: (-?\\d+))?$`);
const LABEL = /^([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\["\\n])*)"(,|$)/;

/** The suffixes a histogram's or summary's samples add to the family name. */
const SUFFIXES: Record<string, string[]> = {
  histogram: ['_bucket', '_sum', '_count'],
  summary: ['', '_sum', '_count'],
};

function parseValue(text: string, line: string): number {
  // Prometheus reads these case-insensitively (Go's ParseFloat); prom-client writes NaN as `Nan`.
  if (/^\+?inf$/i.test(text)) return Infinity;
  if (/^-inf$/i.test(text)) return -Infinity;
  if (/^nan$/i.test(text)) return NaN;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) throw new Error(`bad value in: ${line}`);
  return Number(text);
}

function parseLabels(text: string, line: string): Record<string, string> {
  const labels: Record<string, string> = {};
  let rest = text;
  while (rest.length > 0) {
    const match = LABEL.exec(rest);
    if (!match) throw new Error(`bad labels in: ${line}`);
    if (match[1] in labels) throw new Error(`label ${match[1]} twice in: ${line}`);
    labels[match[1]] = match[2].replace(/\\n/g, '\n').replace(/\\(["\\])/g, '$1');
    rest = rest.slice(match[0].length);
  }
  return labels;
}

/**
 * Parses the Prometheus text format (0.0.4) strictly, for tests: every line must be a `# HELP`,
 * a `# TYPE` before its samples, or a sample of the family last declared; anything else throws
 * with the line. prom-client writes this format but has no parser.
 */
export function parsePrometheusText(text: string): Map<string, MetricFamily> {
  const families = new Map<string, MetricFamily>();
  const helps = new Map<string, string>();
  let current: MetricFamily | undefined;
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const comment = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
    if (comment) {
      const [, kind, name, rest] = comment;
      if (!new RegExp(`^${NAME}$`).test(name)) throw new Error(`bad metric name in: ${line}`);
      if (kind === 'HELP') {
        helps.set(name, rest);
        continue;
      }
      if (!TYPES.has(rest)) throw new Error(`bad type in: ${line}`);
      if (families.has(name)) throw new Error(`family ${name} declared twice`);
      current = { name, type: rest, help: helps.get(name) ?? '', samples: [] };
      families.set(name, current);
      continue;
    }
    if (line.startsWith('#')) continue;
    const sample = SAMPLE.exec(line);
    if (!sample) throw new Error(`bad sample line: ${line}`);
    const [, name, labels = '', value] = sample;
    const suffix = current && name.startsWith(current.name) ? name.slice(current.name.length) : undefined;
    if (!current || suffix === undefined || !(SUFFIXES[current.type] ?? ['']).includes(suffix)) {
      throw new Error(`sample outside its family: ${line}`);
    }
    current.samples.push({ name, labels: parseLabels(labels, line), value: parseValue(value, line) });
  }
  return families;
}

/** The sum of a family's samples named `name` whose labels include `labels` (0 when none). */
export function sampleSum(
  families: Map<string, MetricFamily>,
  name: string,
  labels: Record<string, string> = {},
): number {
  let sum = 0;
  for (const family of families.values()) {
    for (const sample of family.samples) {
      if (sample.name !== name) continue;
      if (Object.entries(labels).every(([key, value]) => sample.labels[key] === value)) sum += sample.value;
    }
  }
  return sum;
}
