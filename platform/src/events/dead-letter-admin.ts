import { randomUUID } from 'node:crypto';
import type { Kafka, KafkaMessage } from 'kafkajs';
import { deadLetterTopic, TOPICS } from './envelope';
import { ensureTopics, KEPT_UNTIL_DELETED, PARTITIONER, type TopicSettings } from './kafka';
import {
  parseDeadLetter,
  positionText,
  REPLAY_HEADERS,
  type DeadLetter,
  type MessagePosition,
} from './dead-letter';

export interface DeadLetterAdminOptions {
  kafka: Kafka;
  /** `KAFKA_NAMESPACE`: prefix of the topics read and of the reader's temporary consumer group. */
  namespace: string;
  /** For the replay log topic, created on the first replay. */
  topicSettings: TopicSettings;
  /** Base names of the original topics whose dead letters are handled. Default: every event topic. */
  topics?: string[];
  /** Deadline for reading the dead-letter topics to their end. Default 30 s. */
  readTimeoutMs?: number;
}

export interface DeadLetterFilter {
  /** A consumer name (`payment`) or its full consumer group. */
  group?: string;
  /** Only the newest `limit` records. */
  limit?: number;
}

export interface ReplayRequest {
  /** The events to replay (every dead-letter record of each)... */
  eventIds?: string[];
  /** ...or every record not replayed yet. */
  all?: boolean;
  group?: string;
  /** Re-send records already replayed (consumers still apply an event once). */
  force?: boolean;
}

export interface ReplayResult {
  replayed: DeadLetter[];
  skipped: { deadLetter: DeadLetter; reason: string }[];
  /** Requested ids with no dead-letter record (in the chosen topics and group). */
  unknownEventIds: string[];
}

/** What has been replayed: one record per dead letter, keyed by its position, in a topic of its own. */
const REPLAY_LOG_TOPIC = 'marketplace.dlt.replays';

interface ReplayLogEntry {
  eventId?: string;
  consumer: string;
  replayedAt: string;
  replayedTo: MessagePosition;
}

/**
 * Lists and replays dead-lettered events (`npm run dlt`). A replay re-publishes the original key and
 * value to the original topic with a header naming the consumer that failed, so only that consumer
 * applies it (the others applied or skipped the original). It is idempotent twice over: the failed
 * handler's transaction rolled back, so the event is not in that consumer's `processed_events` and
 * is applied once; and each replay is recorded in a log topic, so the dead letter is shown as
 * replayed and `--all` does not send it again.
 */
export class DeadLetterAdmin {
  constructor(private readonly options: DeadLetterAdminOptions) {}

  /** Dead-letter records, oldest first, each with its replay time if it was replayed. */
  async list(filter: DeadLetterFilter = {}): Promise<DeadLetter[]> {
    const dltTopics = this.originalTopics().map(deadLetterTopic);
    const [records, replays] = await Promise.all([
      this.readToEnd(dltTopics),
      this.readToEnd([this.replayLogTopic()]),
    ]);
    const replayedAt = new Map<string, Date>();
    for (const { message } of replays) {
      const entry = JSON.parse(message.value?.toString('utf8') ?? '{}') as Partial<ReplayLogEntry>;
      if (message.key && entry.replayedAt) replayedAt.set(message.key.toString(), new Date(entry.replayedAt));
    }
    const deadLetters = records
      .map(({ position, message }) => {
        const deadLetter = parseDeadLetter(position, message);
        deadLetter.replayedAt = replayedAt.get(positionText(position));
        return deadLetter;
      })
      .filter(({ consumer, groupId }) => !filter.group || [consumer, groupId].includes(filter.group))
      .sort((first, second) => first.at.getTime() - second.at.getTime());
    return filter.limit === undefined ? deadLetters : deadLetters.slice(-filter.limit);
  }

  /** Replays the requested dead letters once per event and consumer; see the class comment. */
  async replay(request: ReplayRequest): Promise<ReplayResult> {
    const deadLetters = await this.list({ group: request.group });
    const wanted = new Set(request.eventIds ?? []);
    const chosen = deadLetters.filter(
      ({ eventId }) => request.all || (eventId !== undefined && wanted.has(eventId)),
    );
    const found = new Set(chosen.map(({ eventId }) => eventId));
    const result: ReplayResult = {
      replayed: [],
      skipped: [],
      unknownEventIds: [...wanted].filter((eventId) => !found.has(eventId)),
    };
    // Records of one event for one consumer (it was dead-lettered twice) are sent once.
    const batches = new Map<string, DeadLetter[]>();
    for (const deadLetter of chosen) {
      const reason = this.whyNotReplayable(deadLetter, request.force ?? false);
      if (reason) {
        result.skipped.push({ deadLetter, reason });
        continue;
      }
      const key = `${deadLetter.consumer}/${deadLetter.eventId}`;
      batches.set(key, [...(batches.get(key) ?? []), deadLetter]);
    }
    if (batches.size === 0) return result;
    await ensureTopics(
      this.options.kafka,
      [this.replayLogTopic()],
      this.options.topicSettings,
      KEPT_UNTIL_DELETED,
    );
    const producer = this.options.kafka.producer({ createPartitioner: PARTITIONER, idempotent: true });
    await producer.connect();
    try {
      for (const records of batches.values()) {
        const [first] = records;
        const [sent] = await producer.send({
          topic: first.source!.topic,
          acks: -1,
          messages: [
            {
              key: first.key,
              value: first.value,
              headers: {
                [REPLAY_HEADERS.consumer]: first.consumer!,
                [REPLAY_HEADERS.of]: positionText(first.position),
              },
            },
          ],
        });
        // Recorded after the send: if recording fails, a second replay re-sends, and the consumer
        // still applies the event once.
        const replayedAt = new Date();
        const entry: ReplayLogEntry = {
          eventId: first.eventId,
          consumer: first.consumer!,
          replayedAt: replayedAt.toISOString(),
          replayedTo: {
            topic: first.source!.topic,
            partition: sent.partition,
            offset: sent.baseOffset ?? '',
          },
        };
        await producer.send({
          topic: this.replayLogTopic(),
          acks: -1,
          messages: records.map(({ position }) => ({
            key: positionText(position),
            value: JSON.stringify(entry),
          })),
        });
        for (const record of records) record.replayedAt = replayedAt;
        result.replayed.push(...records);
      }
    } finally {
      await producer.disconnect();
    }
    return result;
  }

  private whyNotReplayable(deadLetter: DeadLetter, force: boolean): string | undefined {
    if (!deadLetter.eventId) return 'not an integration event (it would be dead-lettered again)';
    if (!deadLetter.source) return 'the original topic is not recorded';
    if (!deadLetter.consumer) return 'the consumer that failed is not recorded';
    if (deadLetter.replayedAt && !force) return `already replayed at ${deadLetter.replayedAt.toISOString()}`;
    return undefined;
  }

  private originalTopics(): string[] {
    const topics = this.options.topics ?? Object.values(TOPICS);
    return topics.map((topic) => `${this.options.namespace}${topic}`);
  }

  private replayLogTopic(): string {
    return `${this.options.namespace}${REPLAY_LOG_TOPIC}`;
  }

  /**
   * Every message of `topics` up to their current end. kafkajs reads through a consumer group, so
   * a temporary group is used and deleted afterwards; it commits nothing that matters.
   */
  private async readToEnd(topics: string[]): Promise<{ position: MessagePosition; message: KafkaMessage }[]> {
    const { kafka, namespace, readTimeoutMs = 30_000 } = this.options;
    const lastOffsets = await this.lastOffsets(topics);
    if (lastOffsets.size === 0) return [];
    const groupId = `${namespace}dlt-reader-${randomUUID()}`;
    const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 200 });
    const read: { position: MessagePosition; message: KafkaMessage }[] = [];
    const remaining = new Set(lastOffsets.keys());
    try {
      await consumer.connect();
      await consumer.subscribe({
        topics: [...new Set([...lastOffsets.keys()].map(topicOf))],
        fromBeginning: true,
      });
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`could not read ${topics.join(', ')} to the end in ${readTimeoutMs} ms`)),
          readTimeoutMs,
        );
        consumer.on(consumer.events.CRASH, ({ payload }) => {
          clearTimeout(timer);
          reject(payload.error);
        });
        void consumer.run({
          eachMessage: async ({ topic, partition, message }) => {
            const partitionKey = `${topic}/${partition}`;
            const last = lastOffsets.get(partitionKey);
            if (last === undefined) return;
            const offset = BigInt(message.offset);
            if (offset <= last)
              read.push({ position: { topic, partition, offset: message.offset }, message });
            if (offset >= last) remaining.delete(partitionKey);
            if (remaining.size === 0) {
              clearTimeout(timer);
              resolve();
            }
          },
        });
      });
    } finally {
      await consumer.disconnect().catch(() => undefined);
      await this.deleteGroup(groupId);
    }
    return read;
  }

  /** The offset of the last message of each non-empty partition, keyed `topic/partition`. */
  private async lastOffsets(topics: string[]): Promise<Map<string, bigint>> {
    const admin = this.options.kafka.admin();
    await admin.connect();
    try {
      const existing = new Set(await admin.listTopics());
      const offsets = new Map<string, bigint>();
      for (const topic of topics.filter((name) => existing.has(name))) {
        for (const { partition, low, high } of await admin.fetchTopicOffsets(topic)) {
          if (BigInt(high) > BigInt(low)) offsets.set(`${topic}/${partition}`, BigInt(high) - 1n);
        }
      }
      return offsets;
    } finally {
      await admin.disconnect();
    }
  }

  private async deleteGroup(groupId: string): Promise<void> {
    const admin = this.options.kafka.admin();
    await admin.connect();
    await admin.deleteGroups([groupId]).catch(() => undefined);
    await admin.disconnect();
  }
}

const topicOf = (partitionKey: string): string => partitionKey.slice(0, partitionKey.lastIndexOf('/'));
