/**
 * A real Prometheus on this machine, without Docker: Debian's `prometheus` package (installed with
 * apt-get when missing and this is root), run directly — not as a system service — with a given
 * configuration, its data under `.local/observability/prometheus`, listening on 127.0.0.1.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { answers, startDaemon, stopByPidFile, type Daemon } from './daemon';
import { LOCAL_DIR, ROOT } from './zipkin';

const DIR = join(LOCAL_DIR, 'prometheus');
/** The configuration `npm start -- --observability` uses: every service's default metrics port. */
export const LOCAL_CONFIG = join(ROOT, 'observability', 'prometheus.local.yml');

export const prometheusPort = (): number => Number(process.env.PROMETHEUS_PORT || 9090);

/** The `prometheus` binary; installs Debian's package when it is missing (as root only). */
export function prometheusBinary(log: (message: string) => void = () => undefined): string {
  const binary = process.env.PROMETHEUS_BIN ?? 'prometheus';
  if (!spawnSync(binary, ['--version'], { stdio: 'ignore' }).error) return binary;
  if (process.getuid?.() !== 0) {
    throw new Error(
      'prometheus: not installed; run `sudo apt-get install -y prometheus` (Debian/Ubuntu) first',
    );
  }
  log('prometheus: installing the Debian package (apt-get install prometheus)');
  const apt = (args: string[]): void => {
    const result = spawnSync('apt-get', args, {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    if (result.status !== 0) throw new Error(`prometheus: apt-get ${args.join(' ')} failed`);
  };
  apt(['update', '-qq']);
  apt(['install', '-y', '-qq', '--no-install-recommends', 'prometheus']);
  return binary;
}

export interface PrometheusOptions {
  configFile: string;
  port: number;
  /** Where the time series are kept; a test passes a directory of its own. */
  dataDir?: string;
  detached: boolean;
  log?: (message: string) => void;
}

/** Starts Prometheus and resolves once `/-/ready` answers. */
export async function startPrometheus(options: PrometheusOptions): Promise<Daemon> {
  const dataDir = options.dataDir ?? join(DIR, 'data');
  mkdirSync(dataDir, { recursive: true });
  return startDaemon({
    name: 'prometheus',
    command: prometheusBinary(options.log),
    args: [
      `--config.file=${options.configFile}`,
      `--storage.tsdb.path=${dataDir}`,
      '--storage.tsdb.retention.time=2d',
      `--web.listen-address=127.0.0.1:${options.port}`,
    ],
    logFile: join(dataDir, '..', `prometheus-${options.port}.log`),
    pidFile: join(dataDir, '..', `prometheus-${options.port}.pid`),
    readyUrl: `http://127.0.0.1:${options.port}/-/ready`,
    timeoutMs: 60_000,
    detached: options.detached,
  });
}

/** Reuses a Prometheus answering on its port, or starts one with the local configuration. */
export async function ensurePrometheus({
  detached,
  log,
}: {
  detached: boolean;
  log: (message: string) => void;
}): Promise<Daemon | undefined> {
  const port = prometheusPort();
  if (await answers(`http://127.0.0.1:${port}/-/ready`)) {
    log(`prometheus: using the one answering at http://127.0.0.1:${port}`);
    return undefined;
  }
  log(`prometheus: starting at http://127.0.0.1:${port} with ${LOCAL_CONFIG}`);
  return startPrometheus({ configFile: LOCAL_CONFIG, port, detached, log });
}

export const stopPrometheus = (): Promise<boolean> =>
  stopByPidFile(join(DIR, `prometheus-${prometheusPort()}.pid`));
