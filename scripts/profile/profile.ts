/**
 * `npm run profile -- <service> [--seconds=20] [--connections=8] [--focus=<function>…]`: starts a throwaway stack as
 * processes (ports 4100–4106, its own databases and Kafka namespace, so a running `npm start` is
 * not disturbed), warms it up, then records a CPU profile of `<service>` over its inspector while
 * clients send the benchmark's read mix through the gateway. Writes
 * `.local/profiles/<service>-<time>.cpuprofile` (open it in Chrome DevTools › Performance, or
 * speedscope) and prints the load's figures and the functions with the most self time.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT } from '../schema/subgraphs';
import { dropStackDatabases } from '../stack-databases';
import { busyMs, inclusiveMs, startProfiling, topSelfTime } from './cpu-profile';
import { LOAD_TEST_ENV, prepareShoppers, runLoad } from './load';
import { cpuMsOf, SERVICES, startProcessStack, type ServiceName } from './stack';

const PORT_BASE = 4100;
const INSPECTOR_PORT = 9329;
async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      seconds: { type: 'string', default: '20' },
      connections: { type: 'string', default: '8' },
      /** Functions whose total (inclusive) time to report, e.g. `--focus=operationOf`. */
      focus: { type: 'string', multiple: true, default: [] },
    },
  });
  const service = positionals[0] as ServiceName | undefined;
  if (!service || !SERVICES.includes(service)) {
    console.error(`usage: npm run profile -- <${SERVICES.join('|')}> [--seconds=20] [--connections=8]`);
    process.exit(2);
  }
  const durationMs = Number(values.seconds) * 1000;
  const connections = Number(values.connections);
  const prefix = `profile_${process.pid}`;
  const databaseUrl = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432';
  const stack = await startProcessStack({
    portBase: PORT_BASE,
    prefix,
    env: LOAD_TEST_ENV,
    execArgv: (name) => (name === service ? [`--inspect=127.0.0.1:${INSPECTOR_PORT}`] : []),
  });
  try {
    const shoppers = await prepareShoppers(stack.gatewayUrl, connections);
    console.log('warming up for 5 s…');
    await runLoad({ url: stack.gatewayUrl, shoppers, durationMs: 5_000, connections });
    console.log(`profiling ${service} for ${durationMs / 1000} s under ${connections} clients…`);
    const pid = stack.processes.get(service)?.pid;
    const profiler = await startProfiling(INSPECTOR_PORT);
    const cpuBefore = cpuMsOf(pid);
    const load = await runLoad({ url: stack.gatewayUrl, shoppers, durationMs, connections });
    const cpuAfter = cpuMsOf(pid);
    const profile = await profiler.stop();

    const directory = join(ROOT, '.local', 'profiles');
    mkdirSync(directory, { recursive: true });
    const file = join(directory, `${service}-${new Date().toISOString().replace(/[:.]/g, '-')}.cpuprofile`);
    writeFileSync(file, JSON.stringify(profile));
    console.log(
      `\nload: ${load.requestsPerSecond} req/s, p50 ${load.p50Ms} ms, p95 ${load.p95Ms} ms, p99 ${load.p99Ms} ms, ` +
        `${load.requests} requests, ${load.errors} errors`,
    );
    const perRequest = (ms: number): number => Math.round((ms / Math.max(1, load.requests)) * 100) / 100;
    if (cpuBefore !== undefined && cpuAfter !== undefined)
      console.log(`${service}: ${perRequest(cpuAfter - cpuBefore)} ms of CPU per client request (/proc)`);
    console.log(
      `${service}: ${busyMs(profile)} ms of samples off idle, ${perRequest(busyMs(profile))} ms per client request`,
    );
    for (const name of values.focus) console.log(`  ${name} (inclusive): ${inclusiveMs(profile, name)} ms`);
    console.log(`profile: ${relative(ROOT, file)}\n\ntop self time of ${service}:`);
    console.table(topSelfTime(profile, ROOT, 25));
  } finally {
    await stack.stop();
    await dropStackDatabases(databaseUrl, prefix);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
