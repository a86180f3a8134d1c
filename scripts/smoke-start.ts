/**
 * Proves the README quick start: runs `npm start` as a user would, waits for the gateway URL it
 * prints, plays a short client session through the gateway, then sends Ctrl-C (SIGINT) and expects
 * a clean exit with every port released. Uses its own database prefix and drops those databases.
 * Run: `npx tsx scripts/smoke-start.ts` (CI runs it after the test suite).
 */
import { spawn, spawnSync } from 'node:child_process';
import { createConnection } from 'node:net';
import { ROOT, SUBGRAPHS } from './schema/subgraphs';
import { dropStackDatabases } from './stack-databases';

const prefix = `mpsmoke_${Date.now().toString(36)}`;
const databaseUrl = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432';
const gatewayUrl = 'http://localhost:4000/graphql';

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function query<T>(body: string, variables: Record<string, unknown> = {}, token?: string): Promise<T> {
  const response = await fetch(gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query: body, variables }),
  });
  const result = (await response.json()) as { data?: T; errors?: unknown[] };
  if (result.errors || !result.data) throw new Error(`query failed: ${JSON.stringify(result.errors)}`);
  return result.data;
}

async function clientSession(): Promise<void> {
  const { register } = await query<{ register: { token: string } }>(
    `mutation ($input: RegisterInput!) { register(input: $input) { token } }`,
    {
      input: {
        email: `smoke.${Date.now()}@example.com`,
        password: 'a long password',
        fullName: 'Smoke Test',
      },
    },
  );
  const { products } = await query<{
    products: { totalCount: number; edges: { node: { id: string; name: string } }[] };
  }>(`{ products(filter: { inStock: true }, first: 3) { totalCount edges { node { id name } } } }`);
  if (products.totalCount < 50)
    throw new Error(`expected the demo catalog, got ${products.totalCount} products`);
  const productId = products.edges[0].node.id;
  await query(
    `mutation ($id: ID!) { addToCart(productId: $id, quantity: 1) { itemCount } }`,
    { id: productId },
    register.token,
  );
  const { me } = await query<{ me: { cart: { items: { product: { name: string } }[] } } }>(
    `{ me { cart { items { product { name } } total { amount currency } } } }`,
    {},
    register.token,
  );
  if (me.cart.items[0]?.product.name !== products.edges[0].node.name)
    throw new Error('cart did not resolve product names');
  console.log(`smoke: client session ok (${products.totalCount} products, cart resolved across subgraphs)`);
}

/** `npm run create-admin`, then the new administrator signs in and adds a product. */
async function adminSession(): Promise<void> {
  const email = `admin.${Date.now()}@example.com`;
  const created = spawnSync(
    'npm',
    ['run', 'create-admin', '--', '--email', email, '--password', 'an admin password'],
    {
      cwd: ROOT,
      env: { ...process.env, DATABASE_PREFIX: prefix },
      encoding: 'utf8',
    },
  );
  if (created.status !== 0) throw new Error(`create-admin failed: ${created.stderr}`);
  const { login } = await query<{ login: { token: string; user: { role: string } } }>(
    `mutation ($e: String!, $p: String!) { login(email: $e, password: $p) { token user { role } } }`,
    { e: email, p: 'an admin password' },
  );
  if (login.user.role !== 'ADMIN') throw new Error(`create-admin made a ${login.user.role}`);
  const { categories } = await query<{ categories: { id: string }[] }>('{ categories { id } }');
  await query(
    `mutation ($input: CreateProductInput!) { createProduct(input: $input) { id } }`,
    {
      input: {
        sku: `SMOKE-${Date.now()}`,
        name: 'Smoke test peonies',
        price: 199_000,
        categoryId: categories[0].id,
        stock: 3,
      },
    },
    login.token,
  );
  console.log('smoke: create-admin ok (the new administrator added a product)');
}

async function main(): Promise<void> {
  for (const port of [4000, ...SUBGRAPHS.map((subgraph) => subgraph.port)]) {
    if (await portOpen(port)) throw new Error(`port ${port} is already in use; stop what runs there first`);
  }
  const child = spawn('npm', ['start'], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_PREFIX: prefix, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  // 'close': the process has exited and its output (and that of the services sharing it) is read.
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  const ready = new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (output.includes(gatewayUrl)) resolve();
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then((code) => reject(new Error(`npm start exited early (code ${code})`)));
    setTimeout(
      () => reject(new Error('npm start did not print the gateway URL within 5 minutes')),
      300_000,
    ).unref();
  });
  try {
    await ready;
    console.log(`smoke: npm start printed ${gatewayUrl}`);
    await clientSession();
    await adminSession();
    // Ctrl-C in a terminal signals the whole foreground process group.
    process.kill(-child.pid!, 'SIGINT');
    const code = await Promise.race([
      exited,
      new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 30_000)),
    ]);
    if (code === 'timeout') throw new Error('the stack did not stop within 30 s of Ctrl-C');
    // Every service stopped gracefully: none hit its SHUTDOWN_TIMEOUT_MS or had to be killed.
    for (const sign of ['shutdown timed out', 'shutdown failed', 'did not stop within']) {
      if (output.includes(sign)) throw new Error(`a service did not stop gracefully ("${sign}")`);
    }
    if (!/^stopped$/m.test(output)) throw new Error('npm start did not report "stopped"');
    for (const port of [4000, ...SUBGRAPHS.map((subgraph) => subgraph.port)]) {
      if (await portOpen(port)) throw new Error(`port ${port} is still open after Ctrl-C`);
    }
    console.log(`smoke: Ctrl-C stopped everything (exit code ${code})`);
  } catch (error) {
    console.error(output.split('\n').slice(-60).join('\n'));
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
    throw error;
  } finally {
    await dropStackDatabases(databaseUrl, prefix);
  }
}

main().catch((error: unknown) => {
  console.error(`smoke: FAILED: ${(error as Error).message}`);
  process.exit(1);
});
