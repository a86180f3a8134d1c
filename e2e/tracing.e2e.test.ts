import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createTokenSigner, SERVICE_ATTRIBUTE, type Role } from '@marketplace/platform';
import { eventually, graphql, within } from '@marketplace/platform/testing';
import type { RunningGateway } from '../gateway/src/server';
import { connect, subscribe, type Socket } from '../gateway/test/ws-client';
import { registerCustomer, type Stack } from './harness';
import { startOtlpReceiver, type ReceivedSpan } from './otlp-receiver';
import { addToCart, createProduct, DEADLINE, signInAdmin, topUp } from './saga';

/**
 * One trace from the click to the live update: the stack runs in a child process with tracing on
 * (e2e/tracing-stack.ts), exporting OTLP/HTTP JSON to a receiver in this test. The client sends a
 * W3C `traceparent` with its checkout and its payment (as a traced web client does), and the whole
 * asynchronous saga — through the outbox, Kafka and every consumer — must land in that trace.
 */

const ROOT = join(__dirname, '..');
const JWT_SECRET = randomBytes(24).toString('hex');
const KIND = { server: 2, producer: 4, consumer: 5 } as const;

let receiver: Awaited<ReturnType<typeof startOtlpReceiver>>;
let child: ChildProcess | undefined;
let urls: Record<string, string>;
let stack: Stack;
const sockets: Socket[] = [];

/** Starts the traced stack and waits for the line with its URLs. */
async function startTracedStack(endpoint: string): Promise<Record<string, string>> {
  child = spawn(
    process.execPath,
    [join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'e2e/tracing-stack.ts'],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
      env: {
        ...process.env,
        OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        // Export within a fraction of a second, so the test waits on spans, not on a timer.
        OTEL_BSP_SCHEDULE_DELAY: '100',
        JWT_SECRET,
        LOG_LEVEL: 'warn',
      },
    },
  );
  const exited = new Promise<never>((_, reject) =>
    child!.once('exit', (code) => reject(new Error(`the traced stack exited with code ${code}`))),
  );
  const started = new Promise<Record<string, string>>((resolve) => {
    createInterface({ input: child!.stdout! }).on('line', (line) => {
      if (line.startsWith('{"gateway"')) resolve(JSON.parse(line) as Record<string, string>);
    });
  });
  return within(Promise.race([started, exited]), 90_000, 'the traced stack to start');
}

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  urls = await startTracedStack(receiver.url);
  const signer = createTokenSigner(JWT_SECRET, '1h');
  // The saga helpers need only these two of a Stack.
  stack = {
    query: (query: string, variables = {}, token: string | null = null) =>
      graphql(urls.gateway, query, variables, token),
    tokenFor: (userId: string, role: Role = 'CUSTOMER') => signer.sign({ id: userId, role }),
  } as unknown as Stack;
}, 120_000);

afterAll(async () => {
  await Promise.all(sockets.map((socket) => socket.client.dispose()));
  if (child && child.exitCode === null) {
    const exited = new Promise((resolve) => child!.once('exit', resolve));
    child.kill('SIGTERM');
    await within(exited, 30_000, 'the traced stack to stop');
  }
  await receiver?.stop();
}, 40_000);

/** The service a span was recorded in: its own or its nearest ancestor's service attribute or server port. */
function serviceOf(span: ReceivedSpan, byId: Map<string, ReceivedSpan>): string | undefined {
  const servicesByPort = new Map(Object.entries(urls).map(([name, url]) => [new URL(url).port, name]));
  for (
    let current: ReceivedSpan | undefined = span;
    current;
    current = byId.get(current.parentSpanId ?? '')
  ) {
    const named = current.attributes[SERVICE_ATTRIBUTE];
    if (typeof named === 'string') return named;
    const port = current.attributes['net.host.port'] ?? current.attributes['server.port'];
    if (current.kind === KIND.server && port !== undefined) return servicesByPort.get(String(port));
  }
  return undefined;
}

describe('tracing', () => {
  it('makes a checkout, its payment and the whole saga down to the live update one trace', async () => {
    const traceId = randomBytes(16).toString('hex');
    const traced = { traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` };
    const admin = await signInAdmin(stack);
    const customer = await registerCustomer(stack, 'traced');
    const productId = await createProduct(stack, admin, 10_000, 5);
    await addToCart(stack, customer, productId, 1);
    await topUp(stack, customer, 50_000);
    const socket = connect({ url: urls.gateway } as RunningGateway, {
      Authorization: `Bearer ${customer.token}`,
    });
    sockets.push(socket);
    const live = subscribe<{ myOrderUpdates: { status: string } }>(
      socket,
      'subscription { myOrderUpdates { orderId status } }',
    );
    const checkout = await graphql<{ checkout: { id: string } }>(
      urls.gateway,
      'mutation ($input: CheckoutInput!) { checkout(input: $input) { id } }',
      { input: { idempotencyKey: randomBytes(8).toString('hex'), shippingAddress: '7 Garden Ring, Moscow' } },
      customer.token,
      traced,
    );
    expect(checkout.errors).toBeUndefined();
    const orderId = checkout.data!.checkout.id;
    const statuses = () => live.results.map((result) => result.data?.myOrderUpdates.status);
    await eventually(() => statuses().includes('AWAITING_PAYMENT'), {
      timeoutMs: DEADLINE.roundTrip,
      message: 'stock reserved, live',
    });
    const paid = await graphql(
      urls.gateway,
      'mutation ($id: ID!) { payOrder(orderId: $id) { status } }',
      { id: orderId },
      customer.token,
      traced,
    );
    expect(paid.errors).toBeUndefined();
    await eventually(() => statuses().includes('PAID'), {
      timeoutMs: DEADLINE.roundTrip,
      message: 'paid, live',
    });

    // Every service that took part, and the push of the live update, in the client's trace.
    const inTrace = () => receiver.spans.filter((span) => span.traceId === traceId);
    const expected = ['gateway', 'order', 'product', 'payment', 'delivery'];
    const spans = await eventually(
      () => {
        const found = inTrace();
        const byId = new Map(found.map((span) => [span.spanId, span]));
        const services = new Set(found.map((span) => serviceOf(span, byId)));
        const pushes = found.filter((span) => span.name === 'subscription push');
        const deliveryConsumed = found.some(
          (span) => span.kind === KIND.consumer && serviceOf(span, byId) === 'delivery',
        );
        // A publish span may be exported a moment after its consumer's: wait for every parent.
        const parentsArrived = found
          .filter((span) => span.kind === KIND.consumer || span.name === 'subscription push')
          .every((span) => byId.has(span.parentSpanId ?? ''));
        return expected.every((name) => services.has(name)) &&
          pushes.length > 0 &&
          deliveryConsumed &&
          parentsArrived
          ? found
          : undefined;
      },
      {
        timeoutMs: DEADLINE.saga,
        message: `spans of ${expected.join(', ')}, the pushes and their parents in trace ${traceId}`,
      },
    );
    const byId = new Map(spans.map((span) => [span.spanId, span]));

    // The gateway's own spans (request, plan, fetch) are there.
    expect(spans.filter((span) => span.scope === 'apollo/gateway-js').map((span) => span.name)).toEqual(
      expect.arrayContaining(['gateway.request', 'gateway.plan', 'gateway.fetch']),
    );
    // Across Kafka: each consumer's span is a child of the publish span of the service owning the topic.
    const consumed = spans.filter((span) => span.kind === KIND.consumer);
    expect([...new Set(consumed.map((span) => serviceOf(span, byId)))]).toEqual(
      expect.arrayContaining(['order', 'product', 'payment', 'delivery', 'cart']),
    );
    for (const span of consumed) {
      const parent = byId.get(span.parentSpanId ?? '');
      expect(parent?.kind).toBe(KIND.producer);
      const topic = String(span.attributes['messaging.destination.name']);
      expect(parent?.attributes['messaging.destination.name']).toBe(topic);
      expect(topic).toContain(`.${parent?.attributes[SERVICE_ATTRIBUTE]}.events`);
      expect(parent?.attributes['messaging.message.id']).toBe(span.attributes['messaging.message.id']);
    }
    // The live update is pushed under the order service's publish of the status change.
    for (const push of spans.filter((span) => span.name === 'subscription push')) {
      const parent = byId.get(push.parentSpanId ?? '');
      expect(parent?.kind).toBe(KIND.producer);
      expect(parent?.attributes[SERVICE_ATTRIBUTE]).toBe('order');
      expect(push.attributes['marketplace.order.id']).toBe(orderId);
    }
    // SQL of every service that took part is in the trace.
    const sqlBy = new Set(
      spans.filter((span) => span.name.startsWith('pg.query')).map((span) => serviceOf(span, byId)),
    );
    expect([...sqlBy]).toEqual(expect.arrayContaining(['order', 'product', 'payment', 'delivery']));
    // Nothing personal in any span: not the customer's e-mail, address, token, variables or IP address.
    for (const span of receiver.spans.filter((received) => received.kind === KIND.server))
      expect(Object.keys(span.attributes)).not.toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^(client\.address|network\.peer\.address|net\.peer\.ip)$/),
        ]),
      );
    const everything = JSON.stringify(receiver.spans);
    expect(everything).not.toContain('Garden Ring');
    expect(everything).not.toContain('@example.com');
    expect(everything).not.toContain(customer.token);
  });
});
