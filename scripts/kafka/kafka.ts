/**
 * Local single-node Apache Kafka broker (KRaft, combined broker+controller) for dev and tests.
 *
 * If a broker already answers at KAFKA_BROKERS (default 127.0.0.1:9092) it is reused. Otherwise the
 * broker jars pinned in scripts/kafka/pom.xml are resolved from Maven Central (once, cached in
 * <repo>/.local/kafka/lib), the storage under <repo>/.local/kafka/data is formatted if needed, and
 * `java -cp lib/* kafka.Kafka server.properties` is started and waited for until metadata is served
 * and a consumer group can be coordinated.
 *
 * CLI:
 *   tsx scripts/kafka/kafka.ts start            foreground; Ctrl-C / SIGTERM stops the broker
 *   tsx scripts/kafka/kafka.ts start --detach   background; exits once ready, prints the address
 *   tsx scripts/kafka/kafka.ts stop             stops the broker recorded in .local/kafka/kafka.pid
 *   tsx scripts/kafka/kafka.ts status           prints whether KAFKA_BROKERS answers
 *
 * Environment: KAFKA_BROKERS, KAFKA_CONTROLLER_PORT (default broker port + 1), KAFKA_HEAP_OPTS
 * (default "-Xms256m -Xmx512m"), KAFKA_LOCAL_VERSION (try another Kafka version than the pinned one),
 * JAVA_HOME.
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { Kafka, Partitioners, logLevel } from 'kafkajs';

export const DEFAULT_KAFKA_BROKERS = '127.0.0.1:9092';
const READINESS_TOPIC = 'kafka-local-readiness';
const READINESS_GROUP = 'kafka-local-readiness';
const NODE_ID = 1;

export interface EnsureKafkaOptions {
  /** Comma-separated host:port list. Default: env KAFKA_BROKERS, else 127.0.0.1:9092. */
  brokers?: string;
  /** Where the broker keeps its storage, config and logs. Default: <repo>/.local/kafka/data. */
  dataDir?: string;
  /** Progress messages. Default: silent. */
  log?: (msg: string) => void;
  /** Deadline for the broker to become ready after it was spawned. Default 120000 ms. */
  startTimeoutMs?: number;
  /** Port of the KRaft controller listener. Default: env KAFKA_CONTROLLER_PORT, else broker port + 1. */
  controllerPort?: number;
  /** Start the broker in its own session so it outlives this process (used by `start --detach`). */
  detached?: boolean;
}

export interface KafkaHandle {
  /** Comma-separated broker list to hand to clients. */
  brokers: string;
  /** Stops the broker if this call started it (SIGTERM, wait, then SIGKILL); otherwise a no-op. */
  stop: () => Promise<void>;
  /** True if ensureKafka spawned the broker, false if an existing one was reused. */
  startedByUs: boolean;
  /** Pid of the broker JVM (only when startedByUs). */
  pid?: number;
  /** The broker's log file (only when startedByUs). */
  logFile?: string;
  /** Resolves when the broker process exits (only when startedByUs and not detached). */
  exited?: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

interface PidFile {
  pid: number;
  brokers: string;
  dataDir: string;
  kafkaVersion: string;
  startedAt: string;
}

interface DataState {
  kafkaVersion: string;
  clusterId: string;
  fingerprint: string;
}

// ---------------------------------------------------------------------------------------------
// small helpers

function errMsg(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), Math.max(1, ms));
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    if (timer) clearTimeout(timer);
  }
}

function findRepoRoot(): string {
  const starts: string[] = [];
  if (typeof __dirname === 'string') starts.push(__dirname);
  if (process.argv[1]) starts.push(path.dirname(path.resolve(process.argv[1])));
  starts.push(process.cwd());
  for (const start of starts) {
    let dir = start;
    for (;;) {
      if (fs.existsSync(path.join(dir, 'scripts', 'kafka', 'pom.xml'))) return dir;
      const parent = path.dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
  }
  throw new Error(
    'kafka: cannot find the repository root (no scripts/kafka/pom.xml above this file or the cwd)',
  );
}

export const paths = (() => {
  let cached:
    | {
        repoRoot: string;
        pom: string;
        base: string;
        lib: string;
        data: string;
        pidFile: string;
        lockFile: string;
      }
    | undefined;
  return (): {
    repoRoot: string;
    pom: string;
    base: string;
    lib: string;
    data: string;
    pidFile: string;
    lockFile: string;
  } => {
    if (!cached) {
      const repoRoot = findRepoRoot();
      const base = path.join(repoRoot, '.local', 'kafka');
      cached = {
        repoRoot,
        pom: path.join(repoRoot, 'scripts', 'kafka', 'pom.xml'),
        base,
        lib: path.join(base, 'lib'),
        data: path.join(base, 'data'),
        pidFile: path.join(base, 'kafka.pid'),
        lockFile: path.join(base, 'start.lock'),
      };
    }
    return cached;
  };
})();

export function parseBrokers(brokers?: string): string[] {
  const list = (brokers ?? process.env.KAFKA_BROKERS ?? DEFAULT_KAFKA_BROKERS)
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  return list.length > 0 ? list : [DEFAULT_KAFKA_BROKERS];
}

function splitHostPort(broker: string): { host: string; port: number } {
  const m = /^\[?([^\]]*?)\]?:(\d+)$/.exec(broker);
  if (!m) throw new Error(`kafka: cannot parse broker address "${broker}" (expected host:port)`);
  return { host: m[1], port: Number(m[2]) };
}

function isLocalHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '0.0.0.0' || host.startsWith('127.');
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
  // A zombie (exited, not reaped, e.g. when pid 1 of a container does not reap) is not alive.
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    // In a multi-threaded process (the JVM) the leader shows Z while other threads still exit and hold its sockets.
    if ((state === 'Z' || state === 'X') && fs.readdirSync(`/proc/${pid}/task`).length <= 1) return false;
  } catch {
    // no /proc (not Linux) or the process is gone
  }
  return true;
}

/** True if pid is alive and (where /proc can tell) is a Kafka broker JVM. */
function isKafkaProcess(pid: number): boolean {
  if (!isAlive(pid)) return false;
  try {
    const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return cmdline.includes('kafka.Kafka');
  } catch {
    return true;
  }
}

async function waitForDeath(pid: number, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (!isAlive(pid)) return true;
    await sleep(200);
  }
  return !isAlive(pid);
}

async function terminatePid(pid: number, graceMs: number, log: (msg: string) => void): Promise<void> {
  if (!isAlive(pid)) return;
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  if (await waitForDeath(pid, graceMs)) return;
  log(`kafka: broker pid ${pid} still running after ${graceMs} ms, sending SIGKILL`);
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    return;
  }
  await waitForDeath(pid, 10_000);
}

function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

function tail(file: string, lines: number): string {
  try {
    const text = fs.readFileSync(file, 'utf8');
    return text
      .split('\n')
      .slice(-lines - 1)
      .join('\n')
      .trimEnd();
  } catch {
    return '';
  }
}

function portIsFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen({ port, host, exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

function tcpConnects(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect({ host, port });
    const done = (ok: boolean): void => {
      sock.removeAllListeners();
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(timeoutMs, () => done(false));
    sock.once('connect', () => done(true));
    sock.once('error', () => done(false));
  });
}

function xmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Java .properties value escaping (backslashes, and leading/odd characters are not an issue for paths). */
function propEscape(s: string): string {
  return s.replace(/\\/g, '\\\\');
}

// ---------------------------------------------------------------------------------------------
// public: reachability

/**
 * True if a Kafka broker answers a metadata request (kafkajs admin describeCluster) at one of the
 * given brokers within timeoutMs. A plain TCP check runs first so an absent broker fails fast.
 */
export async function isKafkaReachable(brokers: string[], timeoutMs = 5000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  let anyOpen = false;
  for (const b of brokers) {
    let hp: { host: string; port: number };
    try {
      hp = splitHostPort(b);
    } catch {
      continue;
    }
    if (await tcpConnects(hp.host, hp.port, Math.min(1000, Math.max(100, deadline - Date.now())))) {
      anyOpen = true;
      break;
    }
  }
  if (!anyOpen) return false;
  const remaining = deadline - Date.now();
  if (remaining <= 0) return false;
  const kafka = new Kafka({
    clientId: 'kafka-local-probe',
    brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: Math.min(3000, remaining),
    requestTimeout: Math.max(1000, remaining),
    retry: { retries: 0 },
  });
  const admin = kafka.admin();
  try {
    const cluster = await withTimeout(
      admin.connect().then(() => admin.describeCluster()),
      remaining,
      'kafka metadata probe',
    );
    return cluster.brokers.length > 0;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** Waits until metadata is served, an idempotent produce succeeds and a consumer group can be joined (join + sync). */
async function probeGroupCoordination(brokers: string[], timeoutMs: number): Promise<void> {
  const kafka = new Kafka({
    clientId: 'kafka-local-readiness',
    brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 3000,
    requestTimeout: 10_000,
    retry: { retries: 3, initialRetryTime: 200 },
  });
  const admin = kafka.admin();
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  const consumer = kafka.consumer({
    groupId: READINESS_GROUP,
    sessionTimeout: 10_000,
    heartbeatInterval: 1000,
    maxWaitTimeInMs: 100,
    retry: { retries: 3, initialRetryTime: 200 },
  });
  try {
    await withTimeout(
      (async () => {
        await admin.connect();
        const cluster = await admin.describeCluster();
        if (cluster.brokers.length === 0) throw new Error('metadata lists no brokers');
        const topics = await admin.listTopics();
        if (!topics.includes(READINESS_TOPIC)) {
          await admin.createTopics({
            topics: [{ topic: READINESS_TOPIC, numPartitions: 1, replicationFactor: 1 }],
            waitForLeaders: true,
          });
        }
        // An idempotent produce also warms up producer-id allocation (InitProducerId), so the first real
        // idempotent producer does not hit COORDINATOR_LOAD_IN_PROGRESS.
        await producer.connect();
        await producer.send({
          topic: READINESS_TOPIC,
          acks: -1,
          messages: [{ key: 'ready', value: new Date().toISOString() }],
        });
        await consumer.connect();
        await consumer.subscribe({ topics: [READINESS_TOPIC], fromBeginning: true });
        const joined = new Promise<void>((resolve, reject) => {
          consumer.on(consumer.events.GROUP_JOIN, () => resolve());
          consumer.on(consumer.events.CRASH, (ev) => reject(ev.payload.error));
        });
        await consumer.run({ eachMessage: async () => undefined });
        await joined;
      })(),
      timeoutMs,
      'consumer group readiness probe',
    );
  } finally {
    await consumer.disconnect().catch(() => undefined);
    await producer.disconnect().catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
  }
}

// ---------------------------------------------------------------------------------------------
// public: version and classpath

/** The Kafka version to run: env KAFKA_LOCAL_VERSION, else <kafka.version> pinned in pom.xml. */
export function kafkaVersion(): string {
  const override = process.env.KAFKA_LOCAL_VERSION?.trim();
  if (override) return override;
  const pom = fs.readFileSync(paths().pom, 'utf8');
  const m = /<kafka\.version>\s*([^<\s]+)\s*<\/kafka\.version>/.exec(pom);
  if (!m) throw new Error(`kafka: no <kafka.version> property in ${paths().pom}`);
  return m[1];
}

function javaBin(): string {
  const home = process.env.JAVA_HOME;
  if (home) {
    const candidate = path.join(home, 'bin', process.platform === 'win32' ? 'java.exe' : 'java');
    if (fs.existsSync(candidate)) return candidate;
  }
  return 'java';
}

function checkJava(version: string): string {
  const java = javaBin();
  const r = spawnSync(java, ['-version'], { encoding: 'utf8' });
  if (r.error) {
    throw new Error(
      `kafka: Java is needed to run a local Kafka broker but "${java}" could not be run (${errMsg(r.error)}). ` +
        'Install a JDK/JRE 17+ (e.g. apt-get install openjdk-17-jre-headless) or set JAVA_HOME, ' +
        'or point KAFKA_BROKERS at a running broker.',
    );
  }
  const m = /version "(\d+)(?:\.(\d+))?/.exec(`${r.stderr}${r.stdout}`);
  if (m) {
    const major = m[1] === '1' ? Number(m[2]) : Number(m[1]);
    const needed = Number(version.split('.')[0]) >= 4 ? 17 : 11;
    if (major < needed) {
      throw new Error(`kafka: Kafka ${version} needs Java ${needed}+, but "${java}" is Java ${major}`);
    }
  }
  return java;
}

/**
 * Makes sure <repo>/.local/kafka/lib holds the broker runtime jars of the given version, resolving them
 * with Maven from scripts/kafka/pom.xml when missing or when the version or the pom changed.
 * Returns the lib directory.
 */
export async function resolveKafkaLib(
  log: (msg: string) => void = () => undefined,
  version = kafkaVersion(),
): Promise<string> {
  const p = paths();
  const pomHash = crypto.createHash('sha256').update(fs.readFileSync(p.pom)).digest('hex').slice(0, 16);
  const stampFile = path.join(p.lib, '.resolved.json');
  const stamp = readJson<{ kafkaVersion: string; pomHash: string }>(stampFile);
  if (
    stamp &&
    stamp.kafkaVersion === version &&
    stamp.pomHash === pomHash &&
    fs.existsSync(path.join(p.lib, `kafka_2.13-${version}.jar`))
  ) {
    return p.lib;
  }
  const mvn = process.env.MVN ?? 'mvn';
  const probe = spawnSync(mvn, ['-v'], { encoding: 'utf8' });
  if (probe.error) {
    throw new Error(
      `kafka: Maven ("${mvn}") is needed once to download Kafka ${version} from Maven Central but could not be run ` +
        `(${errMsg(probe.error)}). Install Maven 3.6+ or point KAFKA_BROKERS at a running broker.`,
    );
  }
  fs.mkdirSync(p.base, { recursive: true });
  const tmp = path.join(p.base, `lib.tmp-${process.pid}`);
  fs.rmSync(tmp, { recursive: true, force: true });
  log(`kafka: resolving Apache Kafka ${version} broker jars with Maven (one-time, cached in ${p.lib}) ...`);
  const started = Date.now();
  const args = [
    '-B',
    '-q',
    '-Dstyle.color=never',
    '-f',
    p.pom,
    'dependency:copy-dependencies',
    `-Dkafka.version=${version}`,
    `-Dkafka.lib.dir=${tmp}`,
  ];
  const result = await new Promise<{ code: number | null; output: string }>((resolve, reject) => {
    const child = spawn(mvn, args, { cwd: path.dirname(p.pom), stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, output }));
  });
  // Maven's own build dir (target/) next to the pom is not needed.
  fs.rmSync(path.join(path.dirname(p.pom), 'target'), { recursive: true, force: true });
  if (result.code !== 0 || !fs.existsSync(path.join(tmp, `kafka_2.13-${version}.jar`))) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw new Error(
      `kafka: Maven could not resolve org.apache.kafka:kafka_2.13:${version} (exit ${result.code}):\n` +
        result.output.split('\n').slice(-30).join('\n'),
    );
  }
  fs.writeFileSync(
    path.join(tmp, '.resolved.json'),
    JSON.stringify({ kafkaVersion: version, pomHash }, null, 2),
  );
  fs.rmSync(p.lib, { recursive: true, force: true });
  fs.renameSync(tmp, p.lib);
  log(
    `kafka: resolved ${fs.readdirSync(p.lib).filter((f) => f.endsWith('.jar')).length} jars in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  return p.lib;
}

// ---------------------------------------------------------------------------------------------
// config, storage

interface BrokerLayout {
  pidFile: string;
  version: string;
  java: string;
  lib: string;
  dataDir: string;
  storageDir: string;
  configFile: string;
  log4jFile: string;
  logFile: string;
  stdoutFile: string;
  stateFile: string;
  port: number;
  controllerPort: number;
}

function newClusterId(): string {
  // Same shape as org.apache.kafka.common.Uuid.randomUuid().toString(): 16 random bytes, base64url, no padding.
  for (;;) {
    const id = crypto.randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

function writeConfig(l: BrokerLayout): void {
  fs.mkdirSync(l.dataDir, { recursive: true });
  const props: Array<[string, string | number | boolean]> = [
    ['process.roles', 'broker,controller'],
    ['node.id', NODE_ID],
    // Static quorum: works for 3.9 and 4.x alike and needs no --standalone/--initial-controllers at format time.
    ['controller.quorum.voters', `${NODE_ID}@127.0.0.1:${l.controllerPort}`],
    ['listeners', `PLAINTEXT://127.0.0.1:${l.port},CONTROLLER://127.0.0.1:${l.controllerPort}`],
    ['advertised.listeners', `PLAINTEXT://127.0.0.1:${l.port}`],
    ['listener.security.protocol.map', 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT'],
    ['controller.listener.names', 'CONTROLLER'],
    ['inter.broker.listener.name', 'PLAINTEXT'],
    ['log.dirs', propEscape(l.storageDir)],
    ['num.partitions', 1],
    ['default.replication.factor', 1],
    ['min.insync.replicas', 1],
    ['offsets.topic.replication.factor', 1],
    ['offsets.topic.num.partitions', 10],
    ['transaction.state.log.replication.factor', 1],
    ['transaction.state.log.min.isr', 1],
    ['transaction.state.log.num.partitions', 10],
    ['share.coordinator.state.topic.replication.factor', 1],
    ['share.coordinator.state.topic.min.isr', 1],
    ['auto.create.topics.enable', true],
    ['delete.topic.enable', true],
    ['group.initial.rebalance.delay.ms', 0],
    ['num.network.threads', 2],
    ['num.io.threads', 4],
    ['num.recovery.threads.per.data.dir', 1],
    ['log.retention.hours', 24],
    ['log.segment.bytes', 64 * 1024 * 1024],
  ];
  const header = '# Generated by scripts/kafka/kafka.ts on every start - edit that file, not this one.\n';
  fs.writeFileSync(l.configFile, header + props.map(([k, v]) => `${k}=${String(v)}`).join('\n') + '\n');

  const logXml = `<?xml version="1.0" encoding="UTF-8"?>
<!-- Generated by scripts/kafka/kafka.ts. INFO and up go to the log file, only ERRORs to stderr. -->
<Configuration status="WARN" shutdownHook="disable">
  <Appenders>
    <RollingFile name="file" fileName="${xmlEscape(l.logFile)}" filePattern="${xmlEscape(l.logFile)}.%i">
      <PatternLayout pattern="[%d] %p %m (%c)%n"/>
      <Policies><SizeBasedTriggeringPolicy size="20 MB"/></Policies>
      <DefaultRolloverStrategy max="3"/>
    </RollingFile>
    <Console name="stderr" target="SYSTEM_ERR">
      <ThresholdFilter level="ERROR" onMatch="ACCEPT" onMismatch="DENY"/>
      <PatternLayout pattern="[%d] %p %m (%c)%n"/>
    </Console>
  </Appenders>
  <Loggers>
    <Root level="INFO">
      <AppenderRef ref="file"/>
      <AppenderRef ref="stderr"/>
    </Root>
    <Logger name="kafka.request.logger" level="WARN"/>
    <Logger name="org.apache.kafka.clients.NetworkClient" level="WARN"/>
  </Loggers>
</Configuration>
`;
  fs.writeFileSync(l.log4jFile, logXml);
}

function jvmArgs(l: BrokerLayout, heap: string): string[] {
  return [
    ...heap.split(/\s+/).filter((s) => s.length > 0),
    '-XX:+UseG1GC',
    '-XX:MaxGCPauseMillis=20',
    '-XX:InitiatingHeapOccupancyPercent=35',
    '-XX:+ExplicitGCInvokesConcurrent',
    '-XX:+ExitOnOutOfMemoryError',
    '-Djava.awt.headless=true',
    `-Dlog4j2.configurationFile=${l.log4jFile}`,
    `-Dkafka.logs.dir=${l.dataDir}`,
    '-cp',
    `${l.lib}${path.sep}*`,
  ];
}

function readMetaProperties(storageDir: string): Map<string, string> | undefined {
  try {
    const text = fs.readFileSync(path.join(storageDir, 'meta.properties'), 'utf8');
    const map = new Map<string, string>();
    for (const line of text.split('\n')) {
      const m = /^\s*([^#=\s][^=]*?)\s*=\s*(.*?)\s*$/.exec(line);
      if (m) map.set(m[1], m[2]);
    }
    return map;
  } catch {
    return undefined;
  }
}

function wipeStorage(l: BrokerLayout): void {
  fs.rmSync(l.storageDir, { recursive: true, force: true });
  fs.rmSync(l.stateFile, { force: true });
}

/** Formats the storage unless it is already formatted for this version/config with the recorded cluster id. */
function prepareStorage(l: BrokerLayout, log: (msg: string) => void): void {
  const fingerprint = `${l.version}|node=${NODE_ID}|port=${l.port}|controller=${l.controllerPort}`;
  const state = readJson<DataState>(l.stateFile);
  const meta = readMetaProperties(l.storageDir);
  if (state && meta) {
    if (
      state.fingerprint === fingerprint &&
      meta.get('cluster.id') === state.clusterId &&
      meta.get('node.id') === String(NODE_ID)
    ) {
      return; // already formatted, reuse topics and offsets
    }
    log(
      `kafka: existing data in ${l.storageDir} does not match (version/ports/cluster id changed), wiping it`,
    );
  } else if (fs.existsSync(l.storageDir)) {
    log(`kafka: ${l.storageDir} is not a storage this script formatted, wiping it`);
  }
  for (let attempt = 1; ; attempt++) {
    wipeStorage(l);
    const clusterId = newClusterId();
    const r = spawnSync(
      l.java,
      [...jvmArgs(l, '-Xmx256m'), 'kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', l.configFile],
      { encoding: 'utf8', cwd: l.dataDir },
    );
    const meta2 = readMetaProperties(l.storageDir);
    if (r.status === 0 && meta2?.get('cluster.id') === clusterId) {
      const st: DataState = { kafkaVersion: l.version, clusterId, fingerprint };
      fs.writeFileSync(l.stateFile, JSON.stringify(st, null, 2) + '\n');
      log(`kafka: formatted KRaft storage (cluster id ${clusterId}) in ${l.storageDir}`);
      return;
    }
    const out = `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? errMsg(r.error) : ''}`.trim();
    if (attempt >= 2) {
      throw new Error(
        `kafka: formatting the storage failed (exit ${r.status}):\n${out.split('\n').slice(-30).join('\n')}`,
      );
    }
    log(
      `kafka: formatting the storage failed (exit ${r.status}), wiping and retrying: ${out.split('\n').slice(-3).join(' | ')}`,
    );
  }
}

// ---------------------------------------------------------------------------------------------
// lock against concurrent starts (e.g. several test processes calling ensureKafka at once)

/** Waits for and takes the start lock. A holder releases it only after its broker is fully ready (or failed). */
async function acquireLock(
  lockFile: string,
  timeoutMs: number,
  log: (msg: string) => void,
): Promise<{ release: () => void; waited: boolean }> {
  const deadline = Date.now() + timeoutMs;
  const me = String(process.pid);
  let waitingLogged = false;
  fs.mkdirSync(path.dirname(lockFile), { recursive: true });
  const readLock = (): string | undefined => {
    try {
      return fs.readFileSync(lockFile, 'utf8').trim();
    } catch {
      return undefined;
    }
  };
  for (;;) {
    // Create the lock file with its content in one atomic step (hard link of a private temp file),
    // so a waiter never sees an empty lock file and mistakes it for a stale one.
    const tmp = `${lockFile}.${me}`;
    fs.writeFileSync(tmp, me);
    try {
      fs.linkSync(tmp, lockFile);
      const release = (): void => {
        if (readLock() === me) fs.rmSync(lockFile, { force: true });
      };
      return { release, waited: waitingLogged };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    } finally {
      fs.rmSync(tmp, { force: true });
    }
    const content = readLock();
    if (content === undefined) continue; // released meanwhile
    const holder = Number(content);
    if (!Number.isInteger(holder) || holder <= 0 || !isAlive(holder)) {
      if (readLock() === content) fs.rmSync(lockFile, { force: true }); // stale: its owner is gone
      continue;
    }
    if (!waitingLogged) {
      log(`kafka: another process (pid ${holder}) is starting Kafka, waiting for it`);
      waitingLogged = true;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `kafka: another process (pid ${holder}) has been starting Kafka for too long (lock ${lockFile})`,
      );
    }
    await sleep(500);
  }
}

// ---------------------------------------------------------------------------------------------
// public: ensureKafka

export async function ensureKafka(options: EnsureKafkaOptions = {}): Promise<KafkaHandle> {
  const log = options.log ?? (() => undefined);
  const brokerList = parseBrokers(options.brokers);
  const brokersStr = brokerList.join(',');
  if (await isKafkaReachable(brokerList, 5000)) {
    log(`kafka: reusing the broker answering at ${brokersStr}`);
    return { brokers: brokersStr, startedByUs: false, stop: async () => undefined };
  }

  const { host, port } = splitHostPort(brokerList[0]);
  if (!isLocalHost(host)) {
    throw new Error(
      `kafka: no broker answers at KAFKA_BROKERS=${brokersStr}, and ${host} is not this machine, so no local broker is started`,
    );
  }
  const controllerPort = options.controllerPort ?? (Number(process.env.KAFKA_CONTROLLER_PORT) || port + 1);
  const p = paths();
  // A broker with its own data dir (e.g. a test's private broker) keeps its own pid and lock files.
  const pidFile = options.dataDir ? path.join(path.resolve(options.dataDir), 'kafka.pid') : p.pidFile;
  const lockFile = options.dataDir ? path.join(path.resolve(options.dataDir), 'start.lock') : p.lockFile;
  const startTimeoutMs = options.startTimeoutMs ?? 120_000;
  const localBrokers = `127.0.0.1:${port}`;

  const { release, waited } = await acquireLock(lockFile, 10 * 60_000, log);
  try {
    if (waited && (await isKafkaReachable([localBrokers], 3000))) {
      log(`kafka: another process started the broker at ${localBrokers}, reusing it`);
      return { brokers: localBrokers, startedByUs: false, stop: async () => undefined };
    }
    // A broker recorded by an earlier run that is alive but does not answer: it is ours and hung/half-dead.
    const old = readJson<PidFile>(pidFile);
    if (old && isKafkaProcess(old.pid)) {
      log(`kafka: broker pid ${old.pid} from an earlier run does not answer, stopping it`);
      await terminatePid(old.pid, 15_000, log);
      for (let i = 0; i < 40 && !((await portIsFree(port)) && (await portIsFree(controllerPort))); i++)
        await sleep(250);
    }
    fs.rmSync(pidFile, { force: true });

    for (const [what, prt] of [
      ['broker', port],
      ['controller', controllerPort],
    ] as const) {
      if (!(await portIsFree(prt))) {
        throw new Error(
          `kafka: cannot start a local broker: port ${prt} (${what} listener) on 127.0.0.1 is already in use by another ` +
            `process, and no Kafka broker answers at ${localBrokers}. Stop that process, or choose other ports with ` +
            `KAFKA_BROKERS=127.0.0.1:<port> (controller uses <port>+1, or KAFKA_CONTROLLER_PORT).`,
        );
      }
    }

    const version = kafkaVersion();
    const java = checkJava(version);
    const lib = await resolveKafkaLib(log, version);
    const dataDir = path.resolve(options.dataDir ?? p.data);
    const layout: BrokerLayout = {
      version,
      java,
      lib,
      dataDir,
      pidFile,
      storageDir: path.join(dataDir, 'storage'),
      configFile: path.join(dataDir, 'server.properties'),
      log4jFile: path.join(dataDir, 'log4j2.xml'),
      logFile: path.join(dataDir, 'server.log'),
      stdoutFile: path.join(dataDir, 'broker.out'),
      stateFile: path.join(dataDir, 'state.json'),
      port,
      controllerPort,
    };
    writeConfig(layout);
    prepareStorage(layout, log);

    for (let attempt = 1; ; attempt++) {
      try {
        return await startBroker(layout, localBrokers, startTimeoutMs, options.detached === true, log);
      } catch (e) {
        if (
          !(e instanceof BrokerExitedEarly) ||
          attempt >= 2 ||
          /Address already in use|BindException/.test(e.message)
        )
          throw e;
        log('kafka: the broker exited during startup; wiping its storage and retrying once');
        wipeStorage(layout);
        prepareStorage(layout, log);
      }
    }
  } finally {
    release();
  }
}

class BrokerExitedEarly extends Error {}

async function startBroker(
  l: BrokerLayout,
  brokers: string,
  startTimeoutMs: number,
  detached: boolean,
  log: (msg: string) => void,
): Promise<KafkaHandle> {
  const heap = process.env.KAFKA_HEAP_OPTS ?? '-Xms256m -Xmx512m';
  fs.writeFileSync(l.stdoutFile, '');
  const out = fs.openSync(l.stdoutFile, 'a');
  const started = Date.now();
  log(`kafka: starting Apache Kafka ${l.version} (KRaft) at ${brokers}, log ${l.logFile}`);
  let child: ChildProcess;
  try {
    child = spawn(l.java, [...jvmArgs(l, heap), 'kafka.Kafka', l.configFile], {
      cwd: l.dataDir,
      stdio: ['ignore', out, out],
      detached,
    });
  } finally {
    fs.closeSync(out);
  }
  const pid = child.pid;
  if (pid === undefined) {
    const err = await new Promise<Error>((resolve) => child.once('error', resolve));
    throw new Error(`kafka: could not spawn ${l.java}: ${err.message}`);
  }
  const pidInfo: PidFile = {
    pid,
    brokers,
    dataDir: l.dataDir,
    kafkaVersion: l.version,
    startedAt: new Date().toISOString(),
  };
  fs.writeFileSync(l.pidFile, JSON.stringify(pidInfo, null, 2) + '\n');

  let exitInfo: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      exitInfo = { code, signal };
      resolve(exitInfo);
    });
  });
  // Never leave an orphan broker behind if this process exits without calling stop() (non-detached only).
  const killOnExit = (): void => {
    if (!exitInfo) {
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        // already gone
      }
    }
    try {
      if (readJson<PidFile>(l.pidFile)?.pid === pid) fs.rmSync(l.pidFile, { force: true });
    } catch {
      // best effort
    }
  };
  if (!detached) process.on('exit', killOnExit);

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      if (!exitInfo && isAlive(pid)) {
        log(`kafka: stopping broker pid ${pid}`);
        try {
          process.kill(pid, 'SIGTERM');
        } catch {
          // already gone
        }
        const gone = await withTimeout(exited, 30_000, 'broker shutdown').then(
          () => true,
          () => false,
        );
        if (!gone && !exitInfo) {
          log(`kafka: broker pid ${pid} did not stop within 30 s, sending SIGKILL`);
          try {
            process.kill(pid, 'SIGKILL');
          } catch {
            // already gone
          }
          await withTimeout(exited, 10_000, 'broker kill').catch(() => undefined);
        }
      }
      process.removeListener('exit', killOnExit);
      const current = readJson<PidFile>(l.pidFile);
      if (current?.pid === pid) fs.rmSync(l.pidFile, { force: true });
    })();
    return stopping;
  };

  const failure = (why: string): string =>
    `kafka: ${why}\n--- tail of ${l.logFile} ---\n${tail(l.logFile, 40)}\n--- tail of ${l.stdoutFile} ---\n${tail(l.stdoutFile, 20)}`;

  const deadline = started + startTimeoutMs;
  try {
    // 1. the listener accepts connections
    while (!(await tcpConnects('127.0.0.1', l.port, 500))) {
      if (exitInfo)
        throw new BrokerExitedEarly(
          failure(`the broker exited during startup (code ${exitInfo.code}, signal ${exitInfo.signal})`),
        );
      if (Date.now() > deadline)
        throw new Error(failure(`the broker did not open ${brokers} within ${startTimeoutMs} ms`));
      await sleep(250);
    }
    // 2. metadata and consumer-group coordination work
    let lastError = '';
    for (;;) {
      if (exitInfo)
        throw new BrokerExitedEarly(
          failure(`the broker exited during startup (code ${exitInfo.code}, signal ${exitInfo.signal})`),
        );
      const remaining = deadline - Date.now();
      if (remaining <= 0) {
        throw new Error(
          failure(
            `the broker did not become ready (metadata + consumer group) within ${startTimeoutMs} ms: ${lastError}`,
          ),
        );
      }
      try {
        await probeGroupCoordination([brokers], Math.min(remaining, 30_000));
        break;
      } catch (e) {
        lastError = errMsg(e);
        await sleep(500);
      }
    }
  } catch (e) {
    await stop();
    throw e;
  }
  log(`kafka: broker ready at ${brokers} after ${((Date.now() - started) / 1000).toFixed(1)} s (pid ${pid})`);
  if (detached) {
    child.unref();
    return {
      brokers,
      startedByUs: true,
      pid,
      logFile: l.logFile,
      stop: () => stopKafkaByPidFile(log).then(() => undefined),
    };
  }
  child.unref(); // do not keep the event loop alive; killOnExit still stops it when this process exits
  return { brokers, startedByUs: true, pid, logFile: l.logFile, stop, exited };
}

/** Stops the broker recorded in <repo>/.local/kafka/kafka.pid (a detached one). Returns true if one was stopped. */
export async function stopKafkaByPidFile(log: (msg: string) => void = () => undefined): Promise<boolean> {
  const p = paths();
  const info = readJson<PidFile>(p.pidFile);
  if (!info) {
    log('kafka: no pid file, nothing to stop');
    return false;
  }
  if (!isKafkaProcess(info.pid)) {
    log(`kafka: broker pid ${info.pid} is not running, removing stale pid file`);
    fs.rmSync(p.pidFile, { force: true });
    return false;
  }
  log(`kafka: stopping broker pid ${info.pid} (${info.brokers})`);
  await terminatePid(info.pid, 30_000, log);
  fs.rmSync(p.pidFile, { force: true });
  log('kafka: stopped');
  return true;
}

// ---------------------------------------------------------------------------------------------
// CLI

async function cli(argv: string[]): Promise<number> {
  const log = (msg: string): void => {
    process.stderr.write(`${msg}\n`);
  };
  const cmd = argv[0];
  if (cmd === 'start') {
    const detach = argv.includes('--detach') || argv.includes('-d');
    const handle = await ensureKafka({ log, detached: detach });
    process.stdout.write(`${handle.brokers}\n`);
    if (detach) return 0;
    const keepAlive = setInterval(() => undefined, 60_000); // the broker child is unref'ed
    const reason = await new Promise<string>((resolve) => {
      process.once('SIGINT', () => resolve('SIGINT'));
      process.once('SIGTERM', () => resolve('SIGTERM'));
      process.once('SIGHUP', () => resolve('SIGHUP'));
      handle.exited?.then((ex) => resolve(`exit:${ex.code ?? ex.signal ?? ''}`)).catch(() => undefined);
      if (!handle.startedByUs)
        log('kafka: broker was already running; press Ctrl-C to exit (it will be left running)');
    });
    clearInterval(keepAlive);
    if (reason.startsWith('exit:')) {
      log(`kafka: the broker exited unexpectedly (${reason.slice(5)}); see ${handle.logFile ?? 'its log'}`);
      await handle.stop();
      return 1;
    }
    await handle.stop();
    return 0;
  }
  if (cmd === 'stop') {
    await stopKafkaByPidFile(log);
    return 0;
  }
  if (cmd === 'status') {
    const brokers = parseBrokers();
    const ok = await isKafkaReachable(brokers, 5000);
    process.stdout.write(`${brokers.join(',')} ${ok ? 'reachable' : 'not reachable'}\n`);
    return ok ? 0 : 1;
  }
  process.stderr.write('usage: tsx scripts/kafka/kafka.ts start [--detach] | stop | status\n');
  return 2;
}

function isMain(): boolean {
  if (typeof require !== 'undefined' && typeof module !== 'undefined' && require.main !== undefined) {
    return require.main === module;
  }
  const entry = process.argv[1];
  return entry !== undefined && /^kafka\.(c|m)?[jt]s$/.test(path.basename(entry));
}

if (isMain()) {
  cli(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`${errMsg(e)}\n`);
      process.exit(1);
    },
  );
}
