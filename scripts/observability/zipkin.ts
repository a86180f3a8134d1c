/**
 * Zipkin, the local trace UI: the `io.zipkin:zipkin-server` exec jar pinned in pom.xml, resolved
 * once from Maven Central into `.local/observability/zipkin`, run with in-memory storage on
 * 127.0.0.1:9411 (`ZIPKIN_PORT`). Zipkin takes spans in its own format (`/api/v2/spans`), which the
 * OpenTelemetry SDK of every service exports when `OTEL_TRACES_EXPORTER=zipkin` (see
 * {@link zipkinTracingEnv}); Zipkin has no OTLP receiver of its own on Maven Central.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { answers, startDaemon, stopByPidFile, type Daemon } from './daemon';

export const ROOT = join(__dirname, '..', '..');
export const LOCAL_DIR = join(ROOT, '.local', 'observability');
const POM = join(__dirname, 'pom.xml');
const DIR = join(LOCAL_DIR, 'zipkin');
const PID_FILE = join(DIR, 'zipkin.pid');

export const zipkinPort = (): number => Number(process.env.ZIPKIN_PORT || 9411);
export const zipkinUrl = (): string => `http://127.0.0.1:${zipkinPort()}`;

/**
 * The variables that make a service export its spans to Zipkin: the SDK's Zipkin exporter (one of
 * the exporters `OTEL_TRACES_EXPORTER` can name, which switches tracing on by itself) and its
 * endpoint.
 */
export function zipkinTracingEnv(): Record<string, string> {
  return {
    OTEL_TRACES_EXPORTER: 'zipkin',
    OTEL_EXPORTER_ZIPKIN_ENDPOINT: `${zipkinUrl()}/api/v2/spans`,
  };
}

function zipkinVersion(): string {
  const match = /<zipkin\.version>([^<]+)<\/zipkin\.version>/.exec(readFileSync(POM, 'utf8'));
  if (!match) throw new Error(`zipkin: no <zipkin.version> in ${POM}`);
  return match[1];
}

/** The exec jar, resolved with Maven when missing. */
async function zipkinJar(log: (message: string) => void): Promise<string> {
  const version = zipkinVersion();
  const jar = join(DIR, `zipkin-server-${version}-exec.jar`);
  if (existsSync(jar)) return jar;
  mkdirSync(DIR, { recursive: true });
  log(`zipkin: resolving io.zipkin:zipkin-server:${version}:exec with Maven (one-time, cached in ${DIR})`);
  const mvn = process.env.MVN ?? 'mvn';
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(
      mvn,
      ['-B', '-q', '-Dstyle.color=never', '-f', POM, 'dependency:copy', `-Dzipkin.dir=${DIR}`],
      {
        stdio: ['ignore', 'inherit', 'inherit'],
      },
    );
    child.once('error', reject);
    child.once('exit', resolve);
  });
  if (code !== 0 || !existsSync(jar))
    throw new Error(`zipkin: Maven could not resolve ${jar} (exit ${code})`);
  return jar;
}

/** Reuses a Zipkin answering on its port, or starts one (Java 17+ and Maven needed once). */
export async function ensureZipkin({
  detached,
  log,
}: {
  detached: boolean;
  log: (message: string) => void;
}): Promise<Daemon | undefined> {
  if (await answers(`${zipkinUrl()}/health`)) {
    log(`zipkin: using the one answering at ${zipkinUrl()}`);
    return undefined;
  }
  const jar = await zipkinJar(log);
  log(`zipkin: starting at ${zipkinUrl()} (in-memory storage)`);
  return startDaemon({
    name: 'zipkin',
    command: process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin', 'java') : 'java',
    args: ['-Xms128m', '-Xmx512m', '-jar', jar],
    env: { ...process.env, STORAGE_TYPE: 'mem', QUERY_PORT: String(zipkinPort()) },
    logFile: join(DIR, 'zipkin.log'),
    pidFile: PID_FILE,
    readyUrl: `${zipkinUrl()}/health`,
    timeoutMs: 120_000,
    detached,
  });
}

export const stopZipkin = (): Promise<boolean> => stopByPidFile(PID_FILE);
