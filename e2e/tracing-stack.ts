import { startTracing, stopTracing } from '../platform/src/telemetry/tracing';

/**
 * The whole stack (e2e/harness.ts) in a process of its own with tracing on, for
 * `tracing.e2e.test.ts`. A process of its own because OpenTelemetry's instrumentations patch
 * `http` and `pg` through Node's module loader, which jest replaces with its own. The SDK starts
 * before the stack is loaded, as `register.ts` does for a service. Prints one JSON line with the
 * URLs of the services, stops on SIGTERM after exporting every span.
 */
startTracing({ serviceName: 'marketplace-e2e' });

async function main(): Promise<void> {
  const { startStack } = await import('./harness');
  const { eventually } = await import('@marketplace/platform/testing');
  const stack = await startStack();
  await eventually(() => stack.gateway.subscriptions?.source.consuming, {
    timeoutMs: 30_000,
    message: "the gateway's order event consumer",
  });
  const services = { user: stack.user, product: stack.product, cart: stack.cart, order: stack.order };
  const urls: Record<string, string> = { gateway: stack.gateway.url, payment: stack.payment.url };
  for (const [name, service] of Object.entries(services)) urls[name] = service.url;
  urls.delivery = stack.delivery.url;
  process.stdout.write(`${JSON.stringify(urls)}\n`);
  process.once('SIGTERM', () => {
    void stack
      .stop()
      .then(stopTracing)
      .then(() => process.exit(0));
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`tracing stack failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
