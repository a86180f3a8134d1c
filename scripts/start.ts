/**
 * `npm start`: the whole stack on this machine without Docker.
 *  1. Kafka: reuse KAFKA_BROKERS if it answers, else start a local KRaft broker (scripts/kafka).
 *  2. Build the TypeScript workspaces (incremental).
 *  3. Start the six subgraphs (each creates and migrates its own database; product seeds a demo
 *     catalog) with one token-signing secret, generated once per checkout in `.local/jwt-secret`;
 *     wait until each is ready, then the gateway. Their logs are `LOG_FORMAT=pretty` (time,
 *     service, message, multi-line stack traces) and reach this terminal as they are.
 *  4. Ctrl-C stops the gateway, then the subgraphs (side by side), then Kafka if it started it.
 * With `--observability` (`npm start -- --observability`) it also starts Zipkin and Prometheus
 * (scripts/observability), has every service export its spans to Zipkin, and stops them last.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { Client } from 'pg';
import { ensureKafka } from './kafka/kafka';
import { ensureObservability } from './observability/observability';
import { zipkinTracingEnv } from './observability/zipkin';
import { withLocalJwtSecret } from './local-secret';
import { ROOT, SUBGRAPHS } from './schema/subgraphs';

const color = (code: number, text: string): string =>
  process.stdout.isTTY ? `\x1b[${code}m${text}\x1b[0m` : text;

interface Child {
  name: string;
  process: ChildProcess;
}

async function waitReady(name: string, port: number, child: ChildProcess, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`${name} exited with code ${child.exitCode} during start-up`);
    try {
      const response = await fetch(`http://127.0.0.1:${port}/health/ready`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${name} was not ready on port ${port} within ${timeoutMs / 1000} s`);
}

async function checkPostgres(url: string): Promise<void> {
  const client = new Client({ connectionString: `${url.replace(/\/$/, '')}/postgres` });
  try {
    await client.connect();
    await client.query('select 1');
  } catch (error) {
    throw new Error(`PostgreSQL is not reachable at ${url} (set DATABASE_URL): ${(error as Error).message}`, {
      cause: error,
    });
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function main(): Promise<void> {
  const databaseUrl = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432';
  await checkPostgres(databaseUrl);

  // Children run in their own process groups, so Ctrl-C reaches only this process, which then
  // stops the stack in order: gateway, subgraphs (draining their outboxes), Kafka last.
  const kafka = await ensureKafka({
    detached: true,
    log: (message) => console.log(`${color(35, 'kafka   ')} ${message}`),
  });
  console.log(
    `${color(35, 'kafka   ')} ${kafka.startedByUs ? 'started' : 'using'} broker at ${kafka.brokers}`,
  );

  const observability = process.argv.includes('--observability')
    ? await ensureObservability({
        detached: true,
        log: (message) => console.log(`${color(36, 'observe ')} ${message}`),
      })
    : undefined;

  console.log('building TypeScript workspaces…');
  const build = spawnSync('npx', ['tsc', '-b'], { cwd: ROOT, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('build failed');

  const env = {
    // One secret for the whole stack, generated once per checkout (a set JWT_SECRET wins).
    ...withLocalJwtSecret(process.env),
    LOG_FORMAT: process.env.LOG_FORMAT || 'pretty',
    KAFKA_BROKERS: kafka.brokers,
    DATABASE_URL: databaseUrl,
    ...(observability ? zipkinTracingEnv() : {}),
  };
  const children: Child[] = [];
  let stopping = false;
  // Each service exits by itself at its SHUTDOWN_TIMEOUT_MS; the margin only catches a hang.
  const killAfterMs = Number(process.env.SHUTDOWN_TIMEOUT_MS || 10_000) + 2_000;
  const stopChild = async ({ name, process: child }: Child): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, killAfterMs))]);
    if (child.exitCode === null && child.signalCode === null) {
      console.error(color(31, `${name} did not stop within ${killAfterMs} ms; killing it`));
      child.kill('SIGKILL');
    }
  };
  const stopAll = async (exitCode: number): Promise<void> => {
    if (stopping) return;
    stopping = true;
    console.log('\nstopping…');
    // The gateway first (no new requests), then the subgraphs side by side (each drains its own
    // outbox and leaves its consumer group), Kafka last.
    const gateway = children.filter((child) => child.name === 'gateway');
    await Promise.all(gateway.map(stopChild));
    await Promise.all(children.filter((child) => child.name !== 'gateway').map(stopChild));
    if (kafka.startedByUs) await kafka.stop();
    await observability?.stop();
    console.log('stopped');
    process.exit(exitCode);
  };
  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));

  const launch = (name: string, entry: string): ChildProcess => {
    // Each child writes to this terminal directly (same stdout and stderr, own process group).
    const child = spawn(process.execPath, [entry], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'inherit', 'inherit'],
      detached: true,
    });
    child.once('exit', (code) => {
      if (!stopping) {
        console.error(`${name} exited unexpectedly (code ${code}); stopping the stack`);
        void stopAll(1);
      }
    });
    children.push({ name, process: child });
    return child;
  };

  try {
    await Promise.all(
      SUBGRAPHS.map(({ name, port }) =>
        waitReady(name, port, launch(name, join('subgraphs', name, 'dist', 'main.js'))),
      ),
    );
    const gatewayPort = Number(process.env.GATEWAY_PORT || 4000);
    await waitReady('gateway', gatewayPort, launch('gateway', join('gateway', 'dist', 'main.js')));
    console.log(`\n${color(32, 'Marketplace Graph is running')}`);
    console.log(`  GraphQL + explorer: ${color(1, `http://localhost:${gatewayPort}/graphql`)}`);
    console.log(`  Kafka:              ${kafka.brokers}`);
    if (observability) {
      console.log(`  Traces (Zipkin):    ${color(1, observability.zipkinUrl)}`);
      console.log(`  Prometheus:         ${color(1, observability.prometheusUrl)} (alerts: /alerts)`);
    }
    console.log('  Press Ctrl-C to stop.\n');
  } catch (error) {
    console.error(color(31, (error as Error).message));
    await stopAll(1);
  }
}

main().catch((error: unknown) => {
  console.error(color(31, (error as Error).message));
  process.exit(1);
});
