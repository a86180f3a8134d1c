import { Kafka, logLevel, Partitioners, type LogEntry, type logCreator } from 'kafkajs';
import type { PlatformConfig } from '../config';
import type { Logger } from '../logger';

/**
 * Retriable conditions kafkajs reports while a cluster elects leaders or two services create the
 * same topic at once; they resolve by themselves, so they are debug noise, not warnings.
 */
const EXPECTED_DURING_ELECTION =
  /not the leader|leader not available|no leader|Topic creation errors|TOPIC_ALREADY_EXISTS|already exists|coordinator is not available|coordinator is loading|group coordinator/i;

/** kafkajs logs through the service logger; its INFO chatter and expected retries are kept at debug. */
function pinoLogCreator(log: Logger): logCreator {
  return () =>
    ({ level, log: entry }: LogEntry) => {
      const { message, ...extra } = entry;
      const text = `${message} ${typeof extra.error === 'string' ? extra.error : ''}`;
      if (level <= logLevel.WARN && !EXPECTED_DURING_ELECTION.test(text)) {
        log.warn({ kafka: extra }, `kafka: ${message}`);
      } else {
        log.debug({ kafka: extra }, `kafka: ${message}`);
      }
    };
}

/** The partitioner every producer uses (kafkajs' default since 2.0, named so it does not warn). */
export const PARTITIONER = Partitioners.DefaultPartitioner;

/**
 * The one way services build a kafkajs client: a broker connection attempt gives up after
 * `KAFKA_CONNECTION_TIMEOUT_MS`, a request after `KAFKA_REQUEST_TIMEOUT_MS`, and both are retried
 * with kafkajs' exponential backoff and jitter (up to 8 times, at most 5 s apart).
 */
export function createKafka(
  config: Pick<PlatformConfig, 'kafkaBrokers' | 'serviceName'> &
    Partial<Pick<PlatformConfig, 'kafkaConnectionTimeoutMs' | 'kafkaRequestTimeoutMs'>>,
  log: Logger,
  clientId = config.serviceName,
): Kafka {
  return new Kafka({
    clientId: `marketplace-${clientId}`,
    brokers: config.kafkaBrokers,
    logLevel: logLevel.WARN,
    logCreator: pinoLogCreator(log),
    connectionTimeout: config.kafkaConnectionTimeoutMs ?? 3_000,
    requestTimeout: config.kafkaRequestTimeoutMs ?? 30_000,
    enforceRequestTimeout: true,
    retry: { initialRetryTime: 200, retries: 8, maxRetryTime: 5_000 },
  });
}

/** A topic or consumer-group name inside this deployment's namespace (`KAFKA_NAMESPACE`). */
export const namespaced = (config: Pick<PlatformConfig, 'kafkaNamespace'>, name: string): string =>
  `${config.kafkaNamespace}${name}`;

export interface TopicSettings {
  /** `KAFKA_TOPIC_PARTITIONS`. */
  partitions: number;
  /** `KAFKA_REPLICATION_FACTOR`. */
  replicationFactor: number;
}

export const topicSettingsOf = (
  config: Pick<PlatformConfig, 'kafkaTopicPartitions' | 'kafkaReplicationFactor'>,
): TopicSettings => ({
  partitions: config.kafkaTopicPartitions,
  replicationFactor: config.kafkaReplicationFactor,
});

/** Topic configuration for records kept until someone deletes them (dead letters and their replay log). */
export const KEPT_UNTIL_DELETED: readonly TopicConfigEntry[] = [{ name: 'retention.ms', value: '-1' }];

export interface TopicConfigEntry {
  name: string;
  value: string;
}

/** Creates the topics if missing (idempotent); `configEntries` apply to the topics it creates. */
export async function ensureTopics(
  kafka: Kafka,
  topics: string[],
  settings: TopicSettings,
  configEntries: readonly TopicConfigEntry[] = [],
): Promise<void> {
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
        configEntries: [...configEntries],
      })),
    });
  } finally {
    await admin.disconnect();
  }
}
