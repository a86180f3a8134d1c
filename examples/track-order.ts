/**
 * Follows one order live, the way a client app would: logs in over HTTP, then subscribes to
 * `orderStatusChanged` over graphql-ws on the same endpoint and prints every status change with
 * fields from the other subgraphs (product names, payment, delivery).
 *
 *   npx tsx examples/track-order.ts --email ann@example.com --password '…' --order <order id>
 *
 * Options: --url (default http://localhost:4000/graphql, or GATEWAY_URL). Stops by itself when the
 * order is DELIVERED or CANCELLED, or on Ctrl-C.
 */
import { parseArgs } from 'node:util';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

const TRACK = /* GraphQL */ `
  subscription Track($orderId: ID!) {
    orderStatusChanged(orderId: $orderId) {
      version
      status
      previousStatus
      reason
      occurredAt
      order {
        total {
          amount
          currency
        }
        items {
          quantity
          product {
            name
          }
        }
        payment {
          status
        }
        delivery {
          status
          destination
        }
      }
    }
  }
`;

interface StatusEvent {
  version: number;
  status: string;
  previousStatus: string | null;
  reason: string | null;
  occurredAt: string;
  order: {
    total: { amount: number; currency: string };
    items: { quantity: number; product: { name: string } }[];
    payment: { status: string } | null;
    delivery: { status: string; destination: string } | null;
  } | null;
}

const FINAL = new Set(['DELIVERED', 'CANCELLED']);

/** One GraphQL request over HTTP; throws with the errors' messages when there is no data. */
async function post<TData>(url: string, query: string, variables: object, token?: string): Promise<TData> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: TData | null; errors?: { message: string }[] };
  if (!body.data)
    throw new Error(body.errors?.map((error) => error.message).join('; ') ?? `HTTP ${response.status}`);
  return body.data;
}

function describe(event: StatusEvent): string {
  const time = new Date(event.occurredAt).toLocaleTimeString();
  const change = event.previousStatus ? `${event.previousStatus} → ${event.status}` : event.status;
  const lines = [`[${time}] #${event.version} ${change}${event.reason ? ` (${event.reason})` : ''}`];
  const order = event.order;
  if (order) {
    const items = order.items.map((item) => `${item.quantity} × ${item.product.name}`).join(', ');
    lines.push(`    ${items} — ${(order.total.amount / 100).toFixed(2)} ${order.total.currency}`);
    lines.push(`    payment: ${order.payment?.status ?? '—'}, delivery: ${order.delivery?.status ?? '—'}`);
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      email: { type: 'string' },
      password: { type: 'string' },
      order: { type: 'string' },
      url: { type: 'string', default: process.env.GATEWAY_URL ?? 'http://localhost:4000/graphql' },
    },
  });
  if (!values.email || !values.password || !values.order) {
    console.error(
      'usage: npx tsx examples/track-order.ts --email <email> --password <password> --order <id>',
    );
    process.exit(2);
  }
  const url = values.url!;
  const { login } = await post<{ login: { token: string } }>(
    url,
    'mutation ($email: String!, $password: String!) { login(email: $email, password: $password) { token } }',
    { email: values.email, password: values.password },
  );
  const token = login.token;
  const { order } = await post<{ order: { status: string } | null }>(
    url,
    'query ($id: ID!) { order(id: $id) { status } }',
    { id: values.order },
    token,
  );
  if (!order) throw new Error(`order ${values.order} was not found`);
  console.log(`order ${values.order} is ${order.status}`);
  if (FINAL.has(order.status)) return;

  const client = createClient({
    url: url.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams: { Authorization: `Bearer ${token}` },
    // The gateway closes the socket with 4401 when the token expires: log in again to continue.
    retryAttempts: 5,
    shouldRetry: (event) => (event as { code?: number }).code !== 4401,
  });
  console.log('following its status changes (Ctrl-C to stop)…');
  const stop = (code: number): void => {
    void client.dispose();
    process.exit(code);
  };
  process.on('SIGINT', () => stop(0));

  client.subscribe<{ orderStatusChanged: StatusEvent }>(
    { query: TRACK, variables: { orderId: values.order } },
    {
      next: ({ data, errors }) => {
        if (errors)
          console.warn(`  (some fields could not be loaded: ${errors.map((e) => e.message).join('; ')})`);
        if (!data) return;
        console.log(describe(data.orderStatusChanged));
        if (FINAL.has(data.orderStatusChanged.status)) stop(0);
      },
      error: (error) => {
        const code = (error as { code?: number }).code;
        if (code === 4401) console.error('your session expired; run again to log in');
        else if (Array.isArray(error)) {
          for (const item of error as { message: string; extensions?: { code?: string } }[]) {
            console.error(`${item.extensions?.code ?? 'ERROR'}: ${item.message}`);
          }
        } else console.error('connection failed:', error);
        stop(1);
      },
      complete: () => stop(0),
    },
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
