import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { DASHBOARD_DIR, DASHBOARDS, dashboardJson, dashboardPath } from './dashboards';

const ROOT = join(__dirname, '..', '..');
const RULES_DIR = join(ROOT, 'observability', 'rules');

interface Target {
  expr?: unknown;
  refId?: unknown;
  datasource?: { uid?: unknown };
}
interface Panel {
  type?: unknown;
  title?: unknown;
  datasource?: { uid?: unknown };
  targets?: Target[];
}

/** Metric names in a PromQL text or a rule file: the project's families and Node's defaults. */
function metricNames(text: string): string[] {
  const names = text.match(/\b(?:marketplace|nodejs|process)_[a-z0-9_]+\b/g) ?? [];
  return [...new Set(names)];
}

/** The README's metric catalogue ("Observing it › Metrics"): every backticked series name. */
function catalogue(): Set<string> {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('### Metrics');
  expect(start).toBeGreaterThan(0);
  const end = readme.indexOf('\n### ', start + 1);
  return new Set(metricNames(readme.slice(start, end === -1 ? undefined : end)));
}

/** Every series name prom-client's default metrics produce (histograms with their suffixes). */
async function defaultMetricNames(): Promise<Set<string>> {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const names = (await registry.getMetricsAsJSON()).map((metric) => metric.name);
  return new Set(names);
}

/** Source of the services: a family used by a dashboard or rule must be registered there. */
function sourceText(): string {
  const dirs = [
    'platform/src',
    'gateway/src',
    ...['user', 'product', 'cart', 'order', 'payment', 'delivery'].map((s) => `subgraphs/${s}/src`),
  ];
  const texts: string[] = [];
  for (const dir of dirs) {
    for (const entry of readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })) {
      if (entry.endsWith('.ts') && !entry.endsWith('.test.ts'))
        texts.push(readFileSync(join(ROOT, dir, entry), 'utf8'));
    }
  }
  return texts.join('\n');
}

const HISTOGRAM_SUFFIX = /_(bucket|count|sum)$/;

describe('dashboards and rules as code', () => {
  const files = readdirSync(DASHBOARD_DIR).filter((file) => file.endsWith('.json'));
  const dashboards = files.map((file) => ({
    file,
    json: JSON.parse(readFileSync(join(DASHBOARD_DIR, file), 'utf8')) as Record<string, unknown>,
  }));

  it('commits exactly the dashboards the generator writes (npm run observability:dashboards)', () => {
    expect(files.sort()).toEqual(
      DASHBOARDS.map((spec) => `${spec.uid.replace(/^marketplace-/, '')}.json`).sort(),
    );
    for (const spec of DASHBOARDS) {
      expect(JSON.parse(readFileSync(dashboardPath(spec), 'utf8'))).toEqual(dashboardJson(spec));
    }
  });

  it('gives every dashboard a unique uid, a title and panels that query Prometheus', () => {
    const uids = dashboards.map(({ json }) => json.uid);
    expect(new Set(uids).size).toBe(uids.length);
    for (const { file, json } of dashboards) {
      expect({ file, uid: typeof json.uid, title: typeof json.title }).toEqual({
        file,
        uid: 'string',
        title: 'string',
      });
      const panels = (json.panels as Panel[]).filter((panel) => panel.type !== 'row');
      expect(panels.length).toBeGreaterThan(5);
      for (const panel of panels) {
        const where = `${file} › ${String(panel.title)}`;
        expect({ where, datasource: panel.datasource?.uid }).toEqual({ where, datasource: 'prometheus' });
        expect({ where, targets: (panel.targets ?? []).length > 0 }).toEqual({ where, targets: true });
        for (const target of panel.targets ?? []) {
          expect({ where, expr: typeof target.expr, refId: typeof target.refId }).toEqual({
            where,
            expr: 'string',
            refId: 'string',
          });
          expect({ where, metrics: metricNames(String(target.expr)).length > 0 }).toEqual({
            where,
            metrics: true,
          });
        }
      }
    }
  });

  it('queries only metrics of the README catalogue that the services register, or prom-client defaults', async () => {
    const documented = catalogue();
    const defaults = await defaultMetricNames();
    const source = sourceText();
    const texts = [
      ...dashboards.map(({ file, json }) => ({
        file,
        text: (json.panels as Panel[])
          .flatMap((panel) => (panel.targets ?? []).map((t) => String(t.expr)))
          .join('\n'),
      })),
      ...readdirSync(RULES_DIR).map((file) => ({ file, text: readFileSync(join(RULES_DIR, file), 'utf8') })),
    ];
    const unknown: string[] = [];
    for (const { file, text } of texts) {
      for (const name of metricNames(text)) {
        if (defaults.has(name)) continue;
        const family = name.replace(HISTOGRAM_SUFFIX, '');
        if (!documented.has(family)) unknown.push(`${file}: ${name} is not in the README's metric catalogue`);
        else if (!source.includes(`'${family}'`))
          unknown.push(`${file}: ${family} is registered by no service`);
      }
    }
    expect(unknown).toEqual([]);
  });
});
