import { Kafka, logLevel, type LogEntry, type logCreator } from 'kafkajs';
import type { PlatformConfig } from '../config';
import type { Logger } from '../logger';

/** kafkajs logs through the service logger; its INFO chatter is kept at debug. */
function pinoLogCreator(log: Logger): logCreator {
  return () =>
    ({ level, log: entry }: LogEntry) => {
      const { message, ...extra } = entry;
      if (level <= logLevel.ERROR) log.warn({ kafka: extra }, `kafka: ${message}`);
      else if (level === logLevel.WARN) log.warn({ kafka: extra }, `kafka: ${message}`);
      else log.debug({ kafka: extra }, `kafka: ${message}`);
    };
}

export function createKafka(config: PlatformConfig, log: Logger, clientId = config.serviceName): Kafka {
  return new Kafka({
    clientId: `marketplace-${clientId}`,
    brokers: config.kafkaBrokers,
    logLevel: logLevel.WARN,
    logCreator: pinoLogCreator(log),
    connectionTimeout: 3_000,
    retry: { initialRetryTime: 200, retries: 8, maxRetryTime: 5_000 },
  });
}

/** A topic or consumer-group name inside this deployment's namespace (`KAFKA_NAMESPACE`). */
export const namespaced = (config: PlatformConfig, name: string): string => `${config.kafkaNamespace}${name}`;

export interface TopicSettings {
  /** `KAFKA_TOPIC_PARTITIONS`. */
  partitions: number;
  /** `KAFKA_REPLICATION_FACTOR`. */
  replicationFactor: number;
}

export const topicSettingsOf = (config: PlatformConfig): TopicSettings => ({
  partitions: config.kafkaTopicPartitions,
  replicationFactor: config.kafkaReplicationFactor,
});

/** Creates the topics if missing (idempotent). */
export async function ensureTopics(kafka: Kafka, topics: string[], settings: TopicSettings): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((topic) => !existing.has(topic));
    if (missing.length === 0) return;
    await admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((topic) => ({
        topic,
        numPartitions: settings.partitions,
        replicationFactor: settings.replicationFactor,
      })),
    });
  } finally {
    await admin.disconnect();
  }
}
