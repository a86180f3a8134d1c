/**
 * A fixed, repeatable read mix through the gateway (what a catalog page and an account page ask:
 * a page of products, the signed-in user, their cart with its products), sent by a few concurrent
 * clients in a closed loop. No new package: `fetch` (undici) with keep-alive is enough to load a
 * single gateway from one process.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';

const BROWSE = `query BrowseProducts($first: Int, $filter: ProductFilter) {
  products(first: $first, filter: $filter) { totalCount edges { cursor node { id sku name price { amount currency } stock { available } category { slug name } } } }
}`;
const ME = 'query Me { me { id email fullName role createdAt } }';
const MY_CART = `query MyCart {
  me { id cart { id itemCount items { product { id name price { amount currency } } quantity lineTotal { amount currency } } total { amount currency } } }
}`;

export interface Shopper {
  token: string;
}

interface Answer {
  data?: Record<string, unknown> | null;
  errors?: unknown[];
}

async function post(
  url: string,
  query: string,
  variables: Record<string, unknown>,
  token?: string,
): Promise<Answer> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const answer = (await response.json()) as Answer;
  if (!response.ok || answer.errors)
    throw new Error(`HTTP ${response.status}: ${JSON.stringify(answer.errors)}`);
  return answer;
}

/** Registers `count` customers, each with one catalog product in their cart. */
export async function prepareShoppers(url: string, count: number): Promise<Shopper[]> {
  const page = await post(url, BROWSE, { first: 5, filter: { inStock: true } });
  const products = page.data?.products as { edges: { node: { id: string } }[] };
  if (products.edges.length === 0) throw new Error('the catalog is empty (is SEED_DEMO_DATA off?)');
  const shoppers: Shopper[] = [];
  for (let index = 0; index < count; index++) {
    const registered = await post(
      url,
      'mutation Register($input: RegisterInput!) { register(input: $input) { token } }',
      {
        input: {
          email: `load-${randomUUID()}@example.com`,
          password: 'load test password',
          fullName: 'Load Test',
        },
      },
    );
    const { token } = registered.data?.register as { token: string };
    const productId = products.edges[index % products.edges.length].node.id;
    await post(
      url,
      'mutation Add($id: ID!) { addToCart(productId: $id, quantity: 1) { id } }',
      { id: productId },
      token,
    );
    shoppers.push({ token });
  }
  return shoppers;
}

export interface LoadResult {
  requests: number;
  errors: number;
  durationMs: number;
  requestsPerSecond: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
}

const percentile = (sorted: number[], fraction: number): number =>
  sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))];

/**
 * `connections` clients each send the mix (browse, me, cart) back to back for `durationMs`, every
 * client as one of `shoppers`. Errors are counted, not thrown: a profile under errors is still one.
 */
export async function runLoad(options: {
  url: string;
  shoppers: Shopper[];
  durationMs: number;
  connections: number;
}): Promise<LoadResult> {
  const latencies: number[] = [];
  let errors = 0;
  const started = performance.now();
  const deadline = started + options.durationMs;
  const client = async (index: number): Promise<void> => {
    const { token } = options.shoppers[index % options.shoppers.length];
    const mix: [string, Record<string, unknown>, string?][] = [
      [BROWSE, { first: 10 }],
      [ME, {}, token],
      [MY_CART, {}, token],
    ];
    for (let step = 0; performance.now() < deadline; step++) {
      const [query, variables, auth] = mix[step % mix.length];
      const sent = performance.now();
      try {
        await post(options.url, query, variables, auth);
        latencies.push(performance.now() - sent);
      } catch {
        errors++;
      }
    }
  };
  await Promise.all(Array.from({ length: options.connections }, (_, index) => client(index)));
  const durationMs = performance.now() - started;
  const sorted = latencies.sort((a, b) => a - b);
  const round = (value: number): number => Math.round(value * 10) / 10;
  return {
    requests: sorted.length,
    errors,
    durationMs: Math.round(durationMs),
    requestsPerSecond: round((sorted.length * 1000) / durationMs),
    p50Ms: round(percentile(sorted, 0.5)),
    p95Ms: round(percentile(sorted, 0.95)),
    p99Ms: round(percentile(sorted, 0.99)),
  };
}

/** Edge protections off for a load from one address (they would refuse it as abuse). */
export const LOAD_TEST_ENV: NodeJS.ProcessEnv = {
  GATEWAY_RATE_LIMIT_PER_IP: '0',
  GATEWAY_RATE_LIMIT_PER_USER: '0',
  GATEWAY_RATE_LIMIT_AUTH_PER_IP: '0',
};
