/** Statistics and the markdown summary of `bench/subscriptions.ts`. */

export function percentiles(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number): number =>
    sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
  const round = (value: number): number => Math.round(value * 10) / 10;
  const mean = sorted.reduce((sum, value) => sum + value, 0) / Math.max(1, sorted.length);
  return {
    count: sorted.length,
    p50: round(at(50)),
    p95: round(at(95)),
    p99: round(at(99)),
    max: round(sorted[sorted.length - 1] ?? NaN),
    mean: round(mean),
  };
}

export type Stats = ReturnType<typeof percentiles>;

export interface Memory {
  rss: number;
  heapUsed: number;
  /** Memory of C++ objects bound to JS ones: socket buffers, among others. */
  external: number;
}

export interface RoundResult {
  status: string;
  /** From the first commit of the round to the last. */
  commitMs: number;
  delivered: number;
  missing: number;
  /** Events a client received that were not this round's (should be 0). */
  unexpected: number;
  latencyMs: Stats;
  orderSubgraphRequests: number;
  gatewayCpuMsPerEvent: number;
  gatewayEventLoopDelayMs: { p50: number; p99: number; max: number };
}

export interface ScenarioResult {
  name: string;
  description: string;
  selection: string;
  commitIntervalMs: number;
  changesPerSecond: number | null;
  deliveriesPerSecond: number | null;
  subscribeAllMs: number;
  latencyMs: Stats;
  /** Rounds 2 to 4. */
  latencyMsAfterFirstRound: Stats;
  rounds: RoundResult[];
  gatewayMemory: {
    before: Memory;
    after: Memory;
    heapUsedPerSubscriberBytes: number;
    /** Heap and external memory. */
    jsPerSubscriberBytes: number;
    /** Resident set: coarse (the allocator keeps freed pages), so it can even come out negative. */
    rssPerSubscriberBytes: number;
  };
  errors: string[];
}

export interface Results {
  benchmark: 'subscriptions';
  date: string;
  machine: { cpu: string; cores: number; memoryGiB: number; os: string; node: string };
  setup: {
    subscribers: number;
    orders: number;
    subscribersPerOrder: number;
    rounds: number;
    warmUpQueries: number;
  };
  scenarios: ScenarioResult[];
}

const kib = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KiB`;
const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
const rate = (scenario: ScenarioResult, setup: Results['setup']): string =>
  scenario.changesPerSecond === null
    ? `${setup.orders} changes at once → ${setup.subscribers} deliveries`
    : `${scenario.changesPerSecond} changes/s → ${scenario.deliveriesPerSecond} deliveries/s`;

export function summary(results: Results): string {
  const { machine, setup } = results;
  const stats = (value: Stats): string => `${value.p50} | ${value.p95} | ${value.p99} | ${value.max}`;
  return [
    '# Subscriptions benchmark',
    '',
    `Run ${results.date} with \`npm run bench:subscriptions\` (\`bench/subscriptions.ts\`).`,
    '',
    '## Method',
    '',
    `- ${setup.subscribers} WebSocket clients, one socket and one \`orderStatusChanged\` subscription each, ` +
      `${setup.subscribersPerOrder} per order over ${setup.orders} orders; every subscriber is the order's owner.`,
    '- Processes: the gateway alone (its heap, CPU and event loop are what is measured); the clients alone; ' +
      "the product, order, payment and delivery subgraphs with the order service's real outbox relay in the " +
      'driver (the other saga workers are off, so only the benchmark moves orders). Postgres and one Kafka ' +
      'broker run on the same machine; loopback only.',
    `- Per scenario, ${setup.rounds} rounds — AWAITING_PAYMENT, PAID, SHIPPED, DELIVERED: each order's change is ` +
      'committed through `OrderService.changeStatus` (status, history row and `OrderStatusChanged` outbox row in ' +
      'one transaction). Latency = a client receiving the event − that transaction having committed, on the ' +
      "machine's wall clock (performance.timeOrigin + now() in both processes). It covers the NOTIFY-woken relay, " +
      'Kafka (acks=all), the gateway consumer, the federated `order` fetch (once per event for each selection and ' +
      'viewer) and the WebSocket.',
    `- Before the scenarios: ${setup.warmUpQueries} HTTP queries with the same order selection (JIT and ` +
      'query-plan cache warm-up). The first round of each scenario is also listed apart.',
    "- Memory: the gateway's `process.memoryUsage()` after two forced GCs, before the clients connect and with " +
      'every subscription live; per subscriber = the difference / subscribers. Heap is exact; RSS is coarse ' +
      '(freed pages stay with the allocator), so read it together with the absolute figures.',
    '',
    '## Machine',
    '',
    `${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB RAM, ${machine.os}, Node ${machine.node}. ` +
      'Everything (Postgres, Kafka, subgraphs, gateway, clients) shares these cores.',
    '',
    '## Results (commit → client, ms)',
    '',
    '| scenario | load | p50 | p95 | p99 | max | rounds 2–4 p99 | heap / subscriber | heap + external / subscriber | RSS / subscriber |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...results.scenarios.map(
      (scenario) =>
        `| ${scenario.name} | ${rate(scenario, setup)} | ${stats(scenario.latencyMs)} | ` +
        `${scenario.latencyMsAfterFirstRound.p99} | ${kib(scenario.gatewayMemory.heapUsedPerSubscriberBytes)} | ` +
        `${kib(scenario.gatewayMemory.jsPerSubscriberBytes)} | ${kib(scenario.gatewayMemory.rssPerSubscriberBytes)} |`,
    ),
    '',
    ...results.scenarios.flatMap((scenario) => [
      `### ${scenario.name}: ${scenario.description}`,
      '',
      `${scenario.latencyMs.count} deliveries; subscribing all clients took ${scenario.subscribeAllMs} ms; gateway ` +
        `heap ${mib(scenario.gatewayMemory.before.heapUsed)} → ${mib(scenario.gatewayMemory.after.heapUsed)}, RSS ` +
        `${mib(scenario.gatewayMemory.before.rss)} → ${mib(scenario.gatewayMemory.after.rss)}.`,
      '',
      '| round | commits over (ms) | delivered / missing | p50 | p95 | p99 | max | order-subgraph requests | gateway CPU ms / event | gateway loop delay p99 / max (ms) |',
      '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
      ...scenario.rounds.map(
        (round) =>
          `| ${round.status} | ${round.commitMs} | ${round.delivered} / ${round.missing} | ${stats(round.latencyMs)} | ` +
          `${round.orderSubgraphRequests} | ${round.gatewayCpuMsPerEvent} | ` +
          `${round.gatewayEventLoopDelayMs.p99} / ${round.gatewayEventLoopDelayMs.max} |`,
      ),
      '',
    ]),
  ].join('\n');
}
