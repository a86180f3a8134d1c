import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MigrationObject } from '@mikro-orm/core';
import { Client } from 'pg';
import {
  cartMigrations,
  deliveryMigrations,
  orderMigrations,
  paymentMigrations,
  productMigrations,
  userMigrations,
} from '@marketplace/migrations';
import { createTokenSigner, newId, randomJwtSecret } from '@marketplace/platform';
import { graphql, uniquePrefix } from '@marketplace/platform/testing';
import { localJwtSecret, withLocalJwtSecret } from '../scripts/local-secret';

/**
 * Every subgraph's real entry point (`subgraphs/<name>/src/main.ts`, as deployed) in a child
 * process: `MIGRATE_ONLY=true` migrates, seeds and exits 0; a normal start becomes ready and a
 * SIGTERM stops it gracefully, well within `SHUTDOWN_TIMEOUT_MS`. They run three at a time.
 */

const ROOT = join(__dirname, '..');
const MIGRATIONS: Record<string, MigrationObject[]> = {
  user: userMigrations,
  product: productMigrations,
  cart: cartMigrations,
  order: orderMigrations,
  payment: paymentMigrations,
  delivery: deliveryMigrations,
};
const SERVICES = Object.keys(MIGRATIONS);
const databaseUrl = (process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432').replace(/\/$/, '');
const prefix = uniquePrefix();

/** Processes started at once: enough to overlap, few enough to keep each one's deadline honest. */
const CONCURRENCY = 3;
/** From spawn to exit for `MIGRATE_ONLY` (a process loading on a shared machine). */
const MIGRATE_DEADLINE_MS = 20_000;
/** From spawn to `/health/ready`. */
const READY_DEADLINE_MS = 25_000;
/** The services' graceful-shutdown limit in this test; past it a service exits 1 by itself. */
const SHUTDOWN_TIMEOUT_MS = 8_000;
/** "Well within" the limit: a graceful stop takes about a second, even on a busy machine. */
const GRACEFUL_STOP_MS = SHUTDOWN_TIMEOUT_MS / 2;

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

interface Run {
  service: string;
  /** Everything the process wrote so far (stdout and stderr). */
  output(): string;
  /** pino JSON lines written so far. */
  logs(): Record<string, unknown>[];
  exited: Promise<Exit>;
  kill(signal: NodeJS.Signals): void;
}

/** Starts `node --import tsx subgraphs/<service>/src/main.ts` with JSON logs at `info`. */
function runEntryPoint(service: string, env: Record<string, string>): Run {
  const child = spawn(process.execPath, ['--import', 'tsx', join('subgraphs', service, 'src', 'main.ts')], {
    cwd: ROOT,
    env: {
      ...process.env,
      // As deployed, not as under jest (NODE_ENV=test changes libraries' behaviour, e.g. Apollo
      // Server's own SIGTERM handling).
      NODE_ENV: 'production',
      JWT_SECRET: randomJwtSecret(),
      DATABASE_URL: databaseUrl,
      DATABASE_PREFIX: prefix,
      LOG_LEVEL: 'info',
      LOG_FORMAT: 'json',
      SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<Exit>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  running.add(child);
  void exited.then(() => running.delete(child));
  return {
    service,
    output: () => output,
    logs: () =>
      output
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .flatMap((line) => {
          try {
            return [JSON.parse(line) as Record<string, unknown>];
          } catch {
            return [];
          }
        }),
    exited,
    kill: (signal) => child.kill(signal),
  };
}

const running = new Set<ReturnType<typeof spawn>>();

/** Runs `task` for every service, at most {@link CONCURRENCY} at a time; one promise per service. */
function forEachService<T>(task: (service: string) => Promise<T>): Record<string, Promise<T>> {
  let slots = CONCURRENCY;
  const waiting: (() => void)[] = [];
  const acquire = (): Promise<void> =>
    slots > 0 ? Promise.resolve(void slots--) : new Promise((resolve) => waiting.push(resolve));
  const release = (): void => {
    const next = waiting.shift();
    if (next) next();
    else slots++;
  };
  const results = Object.fromEntries(
    SERVICES.map((service) => [service, acquire().then(() => task(service).finally(release))]),
  );
  // Each rejection is reported by the test of that service.
  for (const result of Object.values(results)) result.catch(() => undefined);
  return results;
}

/** `promise`, or a rejection naming `what` and showing the process output after `ms`. */
async function within<T>(run: Run, promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${run.service}: ${what} took over ${ms} ms; output:\n${run.output()}`)),
      ms,
    );
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** Polls `/health/ready` of the URL the service logs when it listens (it binds port 0). */
async function ready(run: Run): Promise<string> {
  for (;;) {
    // The GraphQL listener's line (the metrics listener logs a URL of its own).
    const url = run.logs().find((line) => typeof line.url === 'string' && line.url.endsWith('/graphql'))
      ?.url as string | undefined;
    if (url) {
      const health = url.replace(/\/graphql$/, '/health/ready');
      const response = await fetch(health).catch(() => undefined);
      if (response?.ok) return health;
    }
    const exit = await Promise.race([run.exited, new Promise((resolve) => setTimeout(resolve, 100))]);
    if (exit)
      throw new Error(`${run.service} exited during start-up: ${JSON.stringify(exit)}\n${run.output()}`);
  }
}

async function withDatabase<T>(database: string, use: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: `${databaseUrl}/${database}` });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

afterAll(async () => {
  for (const child of running) child.kill('SIGKILL');
  await withDatabase('postgres', async (client) => {
    for (const service of SERVICES)
      await client.query(`drop database if exists "${prefix}_${service}" with (force)`);
  });
});

describe('each subgraph entry point', () => {
  describe('with MIGRATE_ONLY=true', () => {
    let runs: Record<string, Promise<{ exit: Exit; output: string }>>;
    beforeAll(() => {
      // Side by side; each test then awaits its own.
      runs = forEachService(async (service) => {
        const run = runEntryPoint(service, { MIGRATE_ONLY: 'true' });
        const exit = await within(run, run.exited, MIGRATE_DEADLINE_MS, 'MIGRATE_ONLY');
        return { exit, output: run.output() };
      });
    });

    it.each(SERVICES)('%s migrates, seeds and exits 0', async (service) => {
      const { exit, output } = await runs[service];
      expect({ exit, output }).toEqual({ exit: { code: 0, signal: null }, output: expect.any(String) });
      const applied = await withDatabase(`${prefix}_${service}`, (client) =>
        client.query<{ name: string }>('select name from mikro_orm_migrations order by name'),
      );
      expect(applied.rows.map((row) => row.name)).toEqual(
        MIGRATIONS[service].map((migration) => migration.name).sort(),
      );
      expect(applied.rows.length).toBeGreaterThan(0);
      if (service === 'product') {
        const seeded = await withDatabase(`${prefix}_product`, (client) =>
          client.query<{ count: string }>('select count(*) from products'),
        );
        expect(Number(seeded.rows[0].count)).toBeGreaterThanOrEqual(50);
      }
    });
  });

  describe('serving, then SIGTERM', () => {
    const namespace = `${prefix}.`;
    let runs: Record<string, Promise<{ exit: Exit; tookMs: number; logs: Record<string, unknown>[] }>>;
    beforeAll(() => {
      runs = forEachService(async (service) => {
        const run = runEntryPoint(service, {
          [`${service.toUpperCase()}_PORT`]: '0',
          KAFKA_NAMESPACE: namespace,
        });
        await within(run, ready(run), READY_DEADLINE_MS, 'becoming ready');
        const signalledAt = Date.now();
        run.kill('SIGTERM');
        // Past the limit the process exits 1 by itself; the extra second only catches a hang.
        const exit = await within(run, run.exited, SHUTDOWN_TIMEOUT_MS + 1_000, 'shutting down');
        return { exit, tookMs: Date.now() - signalledAt, logs: run.logs() };
      });
    });

    it.each(SERVICES)('%s stops gracefully, well within SHUTDOWN_TIMEOUT_MS', async (service) => {
      const { exit, tookMs, logs } = await runs[service];
      const messages = logs.map((line) => line.msg);
      expect({ exit, timedOut: messages.includes('shutdown timed out') }).toEqual({
        exit: { code: 0, signal: null },
        timedOut: false,
      });
      expect(messages).toContain('stopped');
      expect(tookMs).toBeLessThan(GRACEFUL_STOP_MS);
    });
  });
});

describe('the signing secret', () => {
  /** The development default every service used to fall back to; it is in the public source. */
  const OLD_DEVELOPMENT_SECRET = 'marketplace-graph-local-development-secret';

  it('a service started the npm start way refuses a token signed with the old development secret', async () => {
    const checkout = mkdtempSync(join(tmpdir(), 'mp-checkout-'));
    try {
      // As scripts/start.ts starts every service when JWT_SECRET is not set.
      const env = withLocalJwtSecret({ JWT_SECRET: '' }, checkout);
      const secret = localJwtSecret(checkout);
      const run = runEntryPoint('user', {
        ...(env as Record<string, string>),
        NODE_ENV: 'development',
        USER_PORT: '0',
        KAFKA_NAMESPACE: `${prefix}.secret.`,
      });
      const url = (await within(run, ready(run), READY_DEADLINE_MS, 'becoming ready')).replace(
        /\/health\/ready$/,
        '/graphql',
      );
      const user = { id: newId(), role: 'ADMIN' } as const;
      const forged = await graphql(
        url,
        '{ me { id } }',
        {},
        createTokenSigner(OLD_DEVELOPMENT_SECRET, '1h').sign(user),
      );
      const genuine = await graphql(url, '{ me { id } }', {}, createTokenSigner(secret, '1h').sign(user));
      run.kill('SIGTERM');
      await within(run, run.exited, SHUTDOWN_TIMEOUT_MS + 1_000, 'shutting down');
      expect(forged.errors?.map((error) => error.extensions?.code)).toEqual(['UNAUTHENTICATED']);
      expect(genuine.errors).toBeUndefined();
    } finally {
      rmSync(checkout, { recursive: true, force: true });
    }
  });

  it.each([undefined, 'change-me-in-production', OLD_DEVELOPMENT_SECRET, 'too-short-a-secret'])(
    'a production start refuses JWT_SECRET=%s and says why',
    async (secret) => {
      const run = runEntryPoint('user', { NODE_ENV: 'production', JWT_SECRET: secret ?? '' });
      const exit = await within(run, run.exited, MIGRATE_DEADLINE_MS, 'refusing to start');
      expect(exit).toEqual({ code: 1, signal: null });
      expect(run.output()).toMatch(/JWT_SECRET (must be set|is a known placeholder|must be at least 32)/);
    },
  );
});
