import type { SubgraphRuntime, Worker } from '../subgraph';
import { IdempotentConsumer, type EventHandler } from './consumer';
import { createKafka, namespaced, topicSettingsOf } from './kafka';
import { OutboxRelay } from './relay';

export interface EventWorkersOptions {
  /** Base topic names this service publishes to (its outbox relay runs when non-empty). */
  publishes?: string[];
  /** Base topic names and handlers by event type this service consumes. */
  consumes?: { topics: string[]; handlers: Record<string, EventHandler> };
}

export interface EventWorkers {
  relay?: OutboxRelay;
  consumer?: IdempotentConsumer;
  workers: Worker[];
}

/**
 * The outbox relay and idempotent consumer of a service, on namespaced topics; the consumer
 * group is the service name, so replicas of one service share the work.
 */
export function createEventWorkers(runtime: SubgraphRuntime, options: EventWorkersOptions): EventWorkers {
  const { config, orm, log } = runtime;
  const kafka = createKafka(config, log);
  const result: EventWorkers = { workers: [] };
  if (options.publishes?.length) {
    result.relay = new OutboxRelay({
      orm,
      kafka,
      log: log.child({ worker: 'outbox-relay' }),
      topics: options.publishes.map((topic) => namespaced(config, topic)),
      service: config.serviceName,
      topicSettings: topicSettingsOf(config),
      pollIntervalMs: config.outboxPollMs,
      retentionHours: config.outboxRetentionHours,
      metrics: runtime.metrics,
    });
    result.workers.push(result.relay);
  }
  if (options.consumes) {
    result.consumer = new IdempotentConsumer({
      name: config.serviceName,
      groupId: namespaced(config, config.serviceName),
      topics: options.consumes.topics.map((topic) => namespaced(config, topic)),
      handlers: options.consumes.handlers,
      orm,
      kafka,
      log: log.child({ worker: 'consumer' }),
      topicSettings: topicSettingsOf(config),
      maxAttempts: config.consumerMaxAttempts,
      metrics: runtime.metrics,
    });
    result.workers.push(result.consumer);
  }
  return result;
}
