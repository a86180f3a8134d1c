import { ensureKafka, type KafkaHandle } from '../kafka/kafka';

declare global {
  // A global shared with global-teardown.ts.
  var __KAFKA__: KafkaHandle | undefined;
}

/**
 * Runs once before all tests: reuses the broker at KAFKA_BROKERS, or starts a local one from the
 * Apache artifacts (stopped again in global-teardown). Unit-only runs skip it.
 */
export default async function globalSetup(config: { selectProjects?: string[] }): Promise<void> {
  const projects = config.selectProjects;
  if (projects && projects.length > 0 && projects.every((project) => project === 'unit')) return;
  const kafka = await ensureKafka({ log: (message) => process.stderr.write(`[kafka] ${message}\n`) });
  process.env.KAFKA_BROKERS = kafka.brokers;
  globalThis.__KAFKA__ = kafka;
}
