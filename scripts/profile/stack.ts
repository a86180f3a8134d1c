/**
 * The whole stack as child processes (the built `dist/main.js` of each service, as `npm start`
 * runs them) on ports of its own, in databases and a Kafka namespace of its own, so a profile or a
 * benchmark never disturbs a running `npm start`. Used by `npm run profile` and the benchmarks.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureKafka } from '../kafka/kafka';
import { withLocalJwtSecret } from '../local-secret';
import { ROOT, SUBGRAPHS } from '../schema/subgraphs';

export const SERVICES = ['gateway', ...SUBGRAPHS.map((subgraph) => subgraph.name)] as const;
export type ServiceName = (typeof SERVICES)[number];

export interface ProcessStackOptions {
  /** The gateway's port; subgraphs take the next six. */
  portBase: number;
  /** Names the databases (`<prefix>_<service>`) and the Kafka namespace. */
  prefix: string;
  /** Variables for every service (e.g. tracing on or off). */
  env?: NodeJS.ProcessEnv;
  /** Extra `node` flags of one service (e.g. `--inspect` for the one being profiled). */
  execArgv?: (service: ServiceName) => string[];
  log?: (message: string) => void;
}

export interface ProcessStack {
  gatewayUrl: string;
  processes: Map<ServiceName, ChildProcess>;
  stop(): Promise<void>;
}

/** Clock ticks per second of `/proc/<pid>/stat` (`getconf CLK_TCK`, 100 on Linux). */
const CLOCK_TICKS = 100;

/**
 * CPU time (user + system) a process has used, from `/proc` (Linux; `undefined` elsewhere): unlike
 * the profile's samples, it does not count time the process waited for a CPU on a busy machine.
 */
export function cpuMsOf(pid: number | undefined): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
}

const portOf = (options: ProcessStackOptions, service: ServiceName): number =>
  options.portBase + SERVICES.indexOf(service);

async function waitReady(
  service: string,
  port: number,
  child: ChildProcess,
  timeoutMs = 90_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`${service} exited with code ${child.exitCode} during start-up`);
    const ready = await fetch(`http://127.0.0.1:${port}/health/ready`).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${service} was not ready on port ${port} within ${timeoutMs / 1000} s`);
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const killed = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(killed);
}

/** Builds the workspaces, then starts the subgraphs side by side and the gateway once they are ready. */
export async function startProcessStack(options: ProcessStackOptions): Promise<ProcessStack> {
  const log = options.log ?? ((message: string) => console.log(message));
  const kafka = await ensureKafka({ detached: true, log });
  const build = spawnSync('npx', ['tsc', '-b'], { cwd: ROOT, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('build failed');

  const env: NodeJS.ProcessEnv = {
    ...withLocalJwtSecret(process.env),
    LOG_LEVEL: process.env.LOG_LEVEL || 'warn',
    LOG_FORMAT: 'pretty',
    KAFKA_BROKERS: kafka.brokers,
    DATABASE_PREFIX: options.prefix,
    KAFKA_NAMESPACE: `${options.prefix}.`,
  };
  for (const service of SERVICES) {
    const upper = service.toUpperCase();
    env[`${upper}_PORT`] = String(portOf(options, service));
    // Any free port unless asked otherwise: several stacks (and npm start) may run side by side.
    env[`${upper}_METRICS_PORT`] = '0';
    if (service !== 'gateway')
      env[`${upper}_SERVICE_URL`] = `http://127.0.0.1:${portOf(options, service)}/graphql`;
  }
  Object.assign(env, options.env);

  const processes = new Map<ServiceName, ChildProcess>();
  const launch = (service: ServiceName): ChildProcess => {
    const workspace = service === 'gateway' ? 'gateway' : join('subgraphs', service);
    const child = spawn(
      process.execPath,
      [...(options.execArgv?.(service) ?? []), join(workspace, 'dist', 'main.js')],
      {
        cwd: ROOT,
        env,
        stdio: ['ignore', 'inherit', 'inherit'],
      },
    );
    processes.set(service, child);
    return child;
  };
  const stop = async (): Promise<void> => {
    const gateway = processes.get('gateway');
    if (gateway) await stopChild(gateway);
    await Promise.all(
      [...processes].filter(([service]) => service !== 'gateway').map(([, child]) => stopChild(child)),
    );
    if (kafka.startedByUs) await kafka.stop();
  };
  try {
    const subgraphs = SERVICES.filter((service) => service !== 'gateway');
    await Promise.all(
      subgraphs.map((service) => waitReady(service, portOf(options, service), launch(service))),
    );
    const gatewayPort = portOf(options, 'gateway');
    await waitReady('gateway', gatewayPort, launch('gateway'));
    return { gatewayUrl: `http://127.0.0.1:${gatewayPort}/graphql`, processes, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
