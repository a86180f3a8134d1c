/**
 * `npm run bench:abuse`: what an attacker costs legitimate users. Starts the stack the way a user
 * does (`npm start`, real processes), lets a few signed-in shoppers browse and fill their carts, and
 * measures their latency in three rounds: no attacker; an attacker sending depth, alias and cost
 * bombs and a login brute force with the edge protections at their defaults; the same attack with
 * the protections switched off by configuration. Each client has its own address
 * (`X-Forwarded-For`, trusted for this run), as on the internet. Results: bench/results/abuse.{json,md}.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../scripts/schema/subgraphs';
import { dropStackDatabases } from '../scripts/stack-databases';

const ROUND_MS = Number(process.env.BENCH_ROUND_MS || 30_000);
const SHOPPERS = Number(process.env.BENCH_SHOPPERS || 8);
const ATTACK_TIMEOUT_MS = 30_000;
/** A shopper's pause between two requests: about 4 requests a second, as a busy human client. */
const THINK_MS = Number(process.env.BENCH_THINK_MS || 250);
const GATEWAY_URL = 'http://127.0.0.1:4000/graphql';
const databaseUrl = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432';

/** Trust one proxy hop so each simulated client is told apart by its forwarded address. */
const COMMON_ENV = { GATEWAY_TRUSTED_PROXY_HOPS: '1', LOG_LEVEL: 'error' };

/** Every edge protection switched off (limits far above any bomb, no rate limits). */
const PROTECTIONS_OFF = {
  GATEWAY_MAX_DEPTH: '1000',
  GATEWAY_MAX_ALIASES: '100000',
  GATEWAY_MAX_TOKENS: '10000000',
  GATEWAY_MAX_DIRECTIVES: '100000',
  GATEWAY_MAX_COST: String(Number.MAX_SAFE_INTEGER),
  GATEWAY_RATE_LIMIT_PER_IP: '0',
  GATEWAY_RATE_LIMIT_PER_USER: '0',
  GATEWAY_RATE_LIMIT_AUTH_PER_IP: '0',
  GATEWAY_LOGIN_MAX_FAILURES: '0',
  GATEWAY_LOGIN_MAX_FAILURES_PER_IP: '0',
};

type Round = { name: string; attack: boolean; env: Record<string, string> };
const ROUNDS: Round[] = [
  { name: 'no attack, protections on', attack: false, env: {} },
  { name: 'attack, protections on', attack: true, env: {} },
  { name: 'attack, protections off', attack: true, env: PROTECTIONS_OFF },
];

interface Reply {
  status: number;
  body: { data?: Record<string, unknown> | null; errors?: { extensions?: { code?: string } }[] };
}

async function post(
  query: string,
  variables: Record<string, unknown>,
  client: { ip: string; token?: string },
  timeoutMs = 10_000,
): Promise<Reply> {
  const response = await fetch(GATEWAY_URL, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-forwarded-for': client.ip,
      ...(client.token ? { authorization: `Bearer ${client.token}` } : {}),
    },
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await response.text();
  let body: Reply['body'];
  try {
    body = JSON.parse(text) as Reply['body'];
  } catch {
    body = { errors: [{ extensions: { code: `HTTP_${response.status}` } }] };
  }
  return { status: response.status, body };
}

const codeOf = (reply: Reply): string =>
  reply.status >= 500
    ? `HTTP_${reply.status}`
    : (reply.body.errors?.[0]?.extensions?.code ?? (reply.status === 200 ? 'OK' : `HTTP_${reply.status}`));

/** The depth bomb of the issue: categories → products → category → products → … (four levels per hop; 4 hops = depth 18). */
function depthBomb(hops: number): string {
  let selection = 'id name';
  for (let hop = 0; hop < hops; hop++)
    selection = `products(first: 100) { edges { node { category { ${selection} } } } }`;
  return `{ categories { ${selection} } }`;
}

const aliasBomb = (count: number): string =>
  `{ ${Array.from({ length: count }, (_, index) => `a${index}: products(first: 100) { edges { node { id name } } }`).join(' ')} }`;

const percentile = (sorted: number[], p: number): number =>
  sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

async function startStack(prefix: string, env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts', 'start.ts')], {
    cwd: ROOT,
    env: { ...process.env, ...COMMON_ENV, ...env, DATABASE_PREFIX: prefix, LOG_FORMAT: 'json' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (output.includes('Marketplace Graph is running')) resolve();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) =>
      reject(new Error(`npm start exited (code ${code}):\n${output.slice(-3000)}`)),
    );
    setTimeout(() => reject(new Error('the stack did not start within 5 minutes')), 300_000).unref();
  });
  child.stdout!.removeAllListeners('data');
  child.stderr!.removeAllListeners('data');
  child.stdout!.resume();
  child.stderr!.resume();
  return child;
}

async function stopStack(child: ChildProcess, prefix: string): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  process.kill(-child.pid!, 'SIGINT');
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 30_000))]);
  if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGKILL');
  await dropStackDatabases(databaseUrl, prefix);
}

interface Shopper {
  ip: string;
  token: string;
  email: string;
}

async function signUp(count: number, tag: string): Promise<Shopper[]> {
  const shoppers: Shopper[] = [];
  for (let index = 0; index < count; index++) {
    const ip = `10.0.1.${index + 1}`;
    const email = `shopper.${tag}.${index}@example.com`;
    const reply = await post(
      'mutation ($input: RegisterInput!) { register(input: $input) { token } }',
      { input: { email, password: 'a long password', fullName: `Shopper ${index}` } },
      { ip },
    );
    const token = (reply.body.data?.register as { token?: string } | undefined)?.token;
    if (!token) throw new Error(`register failed: ${JSON.stringify(reply.body)}`);
    shoppers.push({ ip, token, email });
  }
  return shoppers;
}

/** One shopper's loop: a catalog page, one unit into the cart, the cart itself. */
async function shop(
  shopper: Shopper,
  productIds: string[],
  until: number,
  latencies: number[],
  codes: Map<string, number>,
): Promise<void> {
  const steps: [string, Record<string, unknown>][] = [
    [
      'query ($after: String) { products(first: 20, after: $after) { edges { node { id name price { amount } } } } }',
      {},
    ],
    ['mutation ($id: ID!) { addToCart(productId: $id, quantity: 1) { itemCount } }', {}],
    ['{ me { cart { items { quantity product { name } } total { amount } } } }', {}],
    ['mutation ($id: ID!) { removeFromCart(productId: $id) { itemCount } }', {}],
  ];
  let turn = 0;
  while (Date.now() < until) {
    const productId = productIds[turn % productIds.length];
    for (const [query, variables] of steps) {
      const started = performance.now();
      let code: string;
      try {
        code = codeOf(await post(query, { ...variables, id: productId }, shopper));
      } catch (error) {
        code = (error as Error).name === 'TimeoutError' ? 'CLIENT_TIMEOUT' : 'NETWORK_ERROR';
      }
      latencies.push(performance.now() - started);
      codes.set(code, (codes.get(code) ?? 0) + 1);
      await new Promise((resolve) => setTimeout(resolve, THINK_MS));
    }
    turn++;
  }
}

/** An attacker loop: sends `query` from its own address until the round ends. */
async function attack(
  name: string,
  next: () => [string, Record<string, unknown>],
  ip: string,
  until: number,
  tally: Map<string, number>,
): Promise<void> {
  while (Date.now() < until) {
    const [query, variables] = next();
    let code: string;
    try {
      code = codeOf(await post(query, variables, { ip }, ATTACK_TIMEOUT_MS));
    } catch (error) {
      code = (error as Error).name === 'TimeoutError' ? 'CLIENT_TIMEOUT' : 'NETWORK_ERROR';
    }
    tally.set(`${name}: ${code}`, (tally.get(`${name}: ${code}`) ?? 0) + 1);
  }
}

interface RoundResult {
  round: string;
  requests: number;
  p50: number;
  p95: number;
  p99: number;
  shopperOutcomes: Record<string, number>;
  attackerOutcomes: Record<string, number>;
}

async function runRound(round: Round, index: number): Promise<RoundResult> {
  const prefix = `mpabuse_${Date.now().toString(36)}_${index}`;
  console.error(`bench:abuse: starting the stack for "${round.name}"…`);
  const stack = await startStack(prefix, round.env);
  try {
    const shoppers = await signUp(SHOPPERS, prefix);
    const catalog = await post(
      '{ products(first: 50, filter: { inStock: true }) { edges { node { id } } } }',
      {},
      { ip: '10.0.2.1' },
    );
    const productIds = (
      (catalog.body.data?.products as { edges: { node: { id: string } }[] }).edges ?? []
    ).map((edge) => edge.node.id);
    const victim = shoppers[0].email;
    const latencies: number[] = [];
    const shopperCodes = new Map<string, number>();
    const attackerCodes = new Map<string, number>();
    const until = Date.now() + ROUND_MS;
    let guess = 0;
    const attackers = round.attack
      ? [
          attack('depth bomb', () => [depthBomb(4), {}], '10.6.6.1', until, attackerCodes),
          attack('alias bomb', () => [aliasBomb(1_000), {}], '10.6.6.2', until, attackerCodes),
          attack(
            'login brute force',
            () => [
              'mutation ($e: String!, $p: String!) { login(email: $e, password: $p) { token } }',
              { e: victim, p: `guess-${guess++}` },
            ],
            '10.6.6.3',
            until,
            attackerCodes,
          ),
        ]
      : [];
    await Promise.all([
      ...shoppers.map((shopper) => shop(shopper, productIds, until, latencies, shopperCodes)),
      ...attackers,
    ]);
    latencies.sort((a, b) => a - b);
    const result: RoundResult = {
      round: round.name,
      requests: latencies.length,
      p50: percentile(latencies, 50),
      p95: percentile(latencies, 95),
      p99: percentile(latencies, 99),
      shopperOutcomes: Object.fromEntries(shopperCodes),
      attackerOutcomes: Object.fromEntries(attackerCodes),
    };
    console.error(`bench:abuse: ${JSON.stringify(result)}`);
    return result;
  } finally {
    await stopStack(stack, prefix);
  }
}

const outcomes = (counts: Record<string, number>): string =>
  Object.entries(counts)
    .map(([code, count]) => `${code} ${count}`)
    .join(', ') || '—';

async function main(): Promise<void> {
  const results: RoundResult[] = [];
  for (const [index, round] of ROUNDS.entries()) results.push(await runRound(round, index));
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
  const outDir = join(ROOT, 'bench', 'results');
  mkdirSync(outDir, { recursive: true });
  writeFileSync(
    join(outDir, 'abuse.json'),
    `${JSON.stringify({ date: new Date().toISOString(), machine, roundMs: ROUND_MS, shoppers: SHOPPERS, results }, null, 2)}\n`,
  );
  const ms = (value: number): string => (Number.isNaN(value) ? '—' : `${Math.round(value)} ms`);
  const table = [
    '| round | shopper requests | p50 | p95 | p99 | shopper outcomes | attacker outcomes |',
    '|---|---:|---:|---:|---:|---|---|',
    ...results.map(
      (result) =>
        `| ${result.round} | ${result.requests} | ${ms(result.p50)} | ${ms(result.p95)} | ${ms(result.p99)} | ${outcomes(result.shopperOutcomes)} | ${outcomes(result.attackerOutcomes)} |`,
    ),
  ].join('\n');
  writeFileSync(
    join(outDir, 'abuse.md'),
    `# Legitimate users under attack (\`npm run bench:abuse\`)\n\n${new Date().toISOString().slice(0, 10)}, ${machine}. ` +
      `${SHOPPERS} signed-in shoppers loop over a catalog page, addToCart, their cart and removeFromCart (${THINK_MS} ms between requests) for ` +
      `${ROUND_MS / 1000} s per round; the attacker runs one depth-18 bomb, one 1,000-alias bomb and one login ` +
      `brute force at a time, each from its own address. Every round starts a fresh stack with \`npm start\`.\n\n${table}\n`,
  );
  console.log(table);
}

main().catch((error: unknown) => {
  console.error(`bench:abuse: FAILED: ${(error as Error).stack ?? String(error)}`);
  process.exit(1);
});
