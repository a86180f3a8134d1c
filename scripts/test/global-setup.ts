import { ensureKafka, type KafkaHandle } from '../kafka/kafka';

declare global {
  // A global shared with global-teardown.ts.
  var __KAFKA__: KafkaHandle | undefined;
}

/** `--selectProjects unit` alone needs no broker (jest does not expose the selection to setup). */
function onlyUnitTests(argv: string[]): boolean {
  const index = argv.indexOf('--selectProjects');
  if (index === -1) return false;
  const selected: string[] = [];
  for (const arg of argv.slice(index + 1)) {
    if (arg.startsWith('-')) break;
    selected.push(arg);
  }
  return selected.length > 0 && selected.every((project) => project === 'unit');
}

/**
 * Runs once before all tests: reuses the broker at KAFKA_BROKERS, or starts a local one from the
 * Apache artifacts (stopped again in global-teardown). Unit-only runs skip it.
 */
export default async function globalSetup(): Promise<void> {
  if (onlyUnitTests(process.argv)) return;
  const kafka = await ensureKafka({ log: (message) => process.stderr.write(`[kafka] ${message}\n`) });
  process.env.KAFKA_BROKERS = kafka.brokers;
  globalThis.__KAFKA__ = kafka;
}
