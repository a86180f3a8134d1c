/**
 * `npm run bench:observability`: what tracing and metrics cost. The same read mix as
 * `npm run profile` (a page of products, the signed-in user, their cart) goes through the gateway
 * of a throwaway stack (real processes) in rounds that alternate between observability off
 * (`OTEL_SDK_DISABLED=true`, `METRICS_ENABLED=false`) and on (every span exported over OTLP/HTTP
 * to a local sink that accepts and drops them, `/metrics` of every service scraped every 5 s as
 * Prometheus would), so drift of a shared machine spreads over both. Each round starts a fresh
 * stack. Results: bench/results/observability-overhead.{json,md}.
 */
import { createServer, type Server } from 'node:http';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { LOAD_TEST_ENV, prepareShoppers, runLoad, type LoadResult } from '../scripts/profile/load';
import { cpuMsOf, SERVICES, startProcessStack, type ProcessStack } from '../scripts/profile/stack';
import { ROOT } from '../scripts/schema/subgraphs';
import { dropStackDatabases } from '../scripts/stack-databases';

const ROUND_MS = Number(process.env.BENCH_ROUND_MS || 20_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS || 2);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS || 8);
const PORT_BASE = 4200;
const METRICS_PORT_BASE = 9200;
const SCRAPE_MS = 5_000;
const databaseUrl = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432';

/** An OTLP/HTTP receiver that counts and drops what it gets (a collector's cost is not ours). */
async function startSink(): Promise<{
  server: Server;
  url: string;
  received: { requests: number; bytes: number };
}> {
  const received = { requests: 0, bytes: 0 };
  const server = createServer((request, response) => {
    request.on('data', (chunk: Buffer) => (received.bytes += chunk.length));
    request.on('end', () => {
      received.requests++;
      response.writeHead(200, { 'content-type': request.headers['content-type'] ?? 'application/json' });
      response.end(request.headers['content-type']?.includes('json') ? '{}' : '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { server, url: `http://127.0.0.1:${port}`, received };
}

const metricsPortOf = (index: number): number => METRICS_PORT_BASE + index;

/** Scrapes every service's `/metrics` until stopped; returns how many scrapes answered 200. */
function scrapeEvery(ms: number): { stop(): number } {
  let answered = 0;
  const timer = setInterval(() => {
    for (const [index] of SERVICES.entries()) {
      fetch(`http://127.0.0.1:${metricsPortOf(index)}/metrics`)
        .then(async (response) => {
          await response.text();
          if (response.ok) answered++;
        })
        .catch(() => undefined);
    }
  }, ms);
  return {
    stop: () => {
      clearInterval(timer);
      return answered;
    },
  };
}

interface Round extends LoadResult {
  mode: 'off' | 'on';
  /** CPU time of all seven services per client request (from `/proc`): robust on a busy machine. */
  cpuMsPerRequest?: number;
  spanExports?: number;
  /** OTLP bytes the sink received during the round. */
  spanBytes?: number;
  scrapes?: number;
}

async function round(
  mode: 'off' | 'on',
  sinkUrl: string,
  sink: { requests: number; bytes: number },
  index: number,
): Promise<Round> {
  const prefix = `bench_obs_${process.pid}_${index}`;
  const observability: NodeJS.ProcessEnv =
    mode === 'on'
      ? {
          OTEL_SDK_DISABLED: 'false',
          OTEL_EXPORTER_OTLP_ENDPOINT: sinkUrl,
          OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
          OTEL_TRACES_SAMPLER: 'parentbased_always_on',
          METRICS_ENABLED: 'true',
          ...Object.fromEntries(
            SERVICES.map((service, at) => [
              `${service.toUpperCase()}_METRICS_PORT`,
              String(metricsPortOf(at)),
            ]),
          ),
        }
      : { OTEL_SDK_DISABLED: 'true', OTEL_EXPORTER_OTLP_ENDPOINT: '', METRICS_ENABLED: 'false' };
  const stack = await startProcessStack({
    portBase: PORT_BASE,
    prefix,
    env: { ...LOAD_TEST_ENV, ...observability },
    log: () => undefined,
  });
  try {
    const shoppers = await prepareShoppers(stack.gatewayUrl, CONNECTIONS);
    await runLoad({ url: stack.gatewayUrl, shoppers, durationMs: 5_000, connections: CONNECTIONS });
    const exportsBefore = sink.requests;
    const bytesBefore = sink.bytes;
    const scraper = mode === 'on' ? scrapeEvery(SCRAPE_MS) : undefined;
    const cpuBefore = stackCpuMs(stack);
    const result = await runLoad({
      url: stack.gatewayUrl,
      shoppers,
      durationMs: ROUND_MS,
      connections: CONNECTIONS,
    });
    const cpuAfter = stackCpuMs(stack);
    const scrapes = scraper?.stop();
    const cpuMsPerRequest =
      cpuBefore !== undefined && cpuAfter !== undefined
        ? Math.round(((cpuAfter - cpuBefore) / Math.max(1, result.requests)) * 100) / 100
        : undefined;
    return {
      mode,
      ...result,
      cpuMsPerRequest,
      ...(mode === 'on'
        ? { spanExports: sink.requests - exportsBefore, spanBytes: sink.bytes - bytesBefore, scrapes }
        : {}),
    };
  } finally {
    await stack.stop();
    await dropStackDatabases(databaseUrl, prefix);
  }
}

/** CPU time used so far by every process of the stack, or `undefined` where `/proc` is missing. */
function stackCpuMs(stack: ProcessStack): number | undefined {
  let total = 0;
  for (const child of stack.processes.values()) {
    const used = cpuMsOf(child.pid);
    if (used === undefined) return undefined;
    total += used;
  }
  return total;
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? sorted[middle]
    : Math.round(((sorted[middle - 1] + sorted[middle]) / 2) * 10) / 10;
};

interface Results {
  date: string;
  machine: string;
  roundMs: number;
  connections: number;
  rounds: Round[];
}

const change = (after: number, before: number): string =>
  before === 0
    ? '—'
    : `${after >= before ? '+' : ''}${Math.round(((after - before) / before) * 1000) / 10} %`;

/** The Markdown report: medians of each mode, their change, and every round (the spread is the noise). */
function report(results: Results): string {
  const summary = (['off', 'on'] as const).map((mode) => {
    const of = results.rounds.filter((result) => result.mode === mode);
    return {
      mode,
      cpuMsPerRequest: median(of.map((result) => result.cpuMsPerRequest ?? 0)),
      requestsPerSecond: median(of.map((result) => result.requestsPerSecond)),
      p50Ms: median(of.map((result) => result.p50Ms)),
      p95Ms: median(of.map((result) => result.p95Ms)),
      p99Ms: median(of.map((result) => result.p99Ms)),
      errors: of.reduce((sum, result) => sum + result.errors, 0),
    };
  });
  const [off, on] = summary;
  const row = (cells: (string | number)[]): string => `| ${cells.join(' | ')} |`;
  const table = [
    row([
      'observability',
      'CPU ms / request (all services)',
      'req/s',
      'p50 ms',
      'p95 ms',
      'p99 ms',
      'errors',
    ]),
    row(['---', '---:', '---:', '---:', '---:', '---:', '---:']),
    ...summary.map((mode) =>
      row([
        mode.mode,
        mode.cpuMsPerRequest,
        mode.requestsPerSecond,
        mode.p50Ms,
        mode.p95Ms,
        mode.p99Ms,
        mode.errors,
      ]),
    ),
    row([
      'change',
      change(on.cpuMsPerRequest, off.cpuMsPerRequest),
      change(on.requestsPerSecond, off.requestsPerSecond),
      change(on.p50Ms, off.p50Ms),
      change(on.p95Ms, off.p95Ms),
      change(on.p99Ms, off.p99Ms),
      '',
    ]),
  ].join('\n');
  const rounds = [
    row([
      'round',
      'observability',
      'CPU ms / request',
      'req/s',
      'p50 ms',
      'p99 ms',
      'span exports',
      'OTLP KiB',
      'scrapes',
    ]),
    row(['---:', '---', '---:', '---:', '---:', '---:', '---:', '---:', '---:']),
    ...results.rounds.map((result, index) =>
      row([
        index + 1,
        result.mode,
        result.cpuMsPerRequest ?? '—',
        result.requestsPerSecond,
        result.p50Ms,
        result.p99Ms,
        result.spanExports ?? '—',
        result.spanBytes === undefined ? '—' : Math.round(result.spanBytes / 1024),
        result.scrapes ?? '—',
      ]),
    ),
  ].join('\n');
  return (
    `# Cost of tracing and metrics (\`npm run bench:observability\`)\n\n${results.date.slice(0, 10)}, ${results.machine}. ` +
    `${results.connections} clients send the read mix (products page, me, cart) through the gateway for ` +
    `${results.roundMs / 1000} s per round, rounds alternating off and on, a fresh stack per round; medians of the rounds. ` +
    `"on": every span exported (OTLP/HTTP, sampled always) to a local sink, every service's \`/metrics\` scraped every ` +
    `${SCRAPE_MS / 1000} s. CPU is the user + system time of the seven service processes (\`/proc\`) over the round.\n\n` +
    `${table}\n\nEvery round:\n\n${rounds}\n`
  );
}

/** `--report` re-renders the Markdown from the last JSON without running anything. */
async function main(): Promise<void> {
  const directory = join(ROOT, 'bench', 'results');
  const jsonPath = join(directory, 'observability-overhead.json');
  const markdownPath = join(directory, 'observability-overhead.md');
  if (process.argv.includes('--report')) {
    writeFileSync(markdownPath, report(JSON.parse(readFileSync(jsonPath, 'utf8')) as Results));
    return;
  }
  const sink = await startSink();
  const rounds: Round[] = [];
  try {
    for (let index = 0; index < ROUNDS * 2; index++) {
      const mode = index % 2 === 0 ? 'off' : 'on';
      console.error(`bench:observability: round ${index + 1}/${ROUNDS * 2}, observability ${mode}…`);
      const result = await round(mode, sink.url, sink.received, index);
      console.error(
        `  ${result.requestsPerSecond} req/s, p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms, ${result.cpuMsPerRequest} ms CPU/request`,
      );
      rounds.push(result);
    }
  } finally {
    sink.server.close();
  }
  if (rounds.some((result) => result.mode === 'on' && !result.spanExports))
    console.error('warning: no span reached the sink in an "on" round: is tracing wired in?');
  const machine = `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'CPU'}, Node ${process.version}`;
  const results: Results = {
    date: new Date().toISOString(),
    machine,
    roundMs: ROUND_MS,
    connections: CONNECTIONS,
    rounds,
  };
  mkdirSync(directory, { recursive: true });
  writeFileSync(jsonPath, `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(markdownPath, report(results));
  console.log(report(results));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
