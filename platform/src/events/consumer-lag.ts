import type { Admin, Kafka } from 'kafkajs';
import type { ServiceMetrics } from '../telemetry/metrics';

export interface PartitionLag {
  topic: string;
  partition: number;
  /** Messages the group has yet to consume on this partition. */
  lag: number;
}

/** Where a group without a committed offset starts: the oldest retained message, or the end. */
export type StartsAt = 'beginning' | 'end';

/**
 * Messages behind on one partition: its high watermark minus the group's committed offset. A group
 * that has committed nothing yet (offset -1) and starts at the beginning has everything retained
 * (high − low) behind; one that starts at the end has nothing behind.
 */
export function lagOf(
  committed: number,
  low: number,
  high: number,
  startsAt: StartsAt = 'beginning',
): number {
  if (committed >= 0) return Math.max(0, high - committed);
  return startsAt === 'end' ? 0 : Math.max(0, high - low);
}

/** The lag of `groupId` on every partition of `topics`, read with the admin client. */
export async function consumerGroupLag(
  admin: Admin,
  groupId: string,
  topics: string[],
  startsAt: StartsAt = 'beginning',
): Promise<PartitionLag[]> {
  const committed = await admin.fetchOffsets({ groupId, topics });
  const lags: PartitionLag[] = [];
  for (const { topic, partitions } of committed) {
    const offsets = new Map(partitions.map(({ partition, offset }) => [partition, Number(offset)]));
    for (const { partition, low, high } of await admin.fetchTopicOffsets(topic)) {
      lags.push({
        topic,
        partition,
        lag: lagOf(offsets.get(partition) ?? -1, Number(low), Number(high), startsAt),
      });
    }
  }
  return lags;
}

/**
 * Reports a consumer group's lag into `marketplace_kafka_consumer_lag` at every scrape, over one
 * admin connection kept while the consumer runs (connecting per scrape would cost a handshake a
 * scrape). A scrape while Kafka is away leaves the last values.
 */
export class ConsumerLagProbe {
  private admin: Admin | undefined;
  private removeProbe: (() => void) | undefined;

  constructor(
    private readonly kafka: Kafka,
    private readonly metrics: ServiceMetrics,
    private readonly groupId: string,
    private readonly topics: string[],
    private readonly startsAt: StartsAt = 'beginning',
  ) {}

  start(): void {
    this.removeProbe ??= this.metrics.addProbe(() => this.report());
  }

  async stop(): Promise<void> {
    this.removeProbe?.();
    this.removeProbe = undefined;
    await this.admin?.disconnect().catch(() => undefined);
    this.admin = undefined;
  }

  private async report(): Promise<void> {
    if (!this.admin) {
      const admin = this.kafka.admin();
      await admin.connect();
      // Stopped meanwhile: nobody would disconnect it later.
      if (!this.removeProbe) return void (await admin.disconnect());
      this.admin = admin;
    }
    try {
      for (const { topic, partition, lag } of await consumerGroupLag(
        this.admin,
        this.groupId,
        this.topics,
        this.startsAt,
      )) {
        this.metrics.consumerLag.set({ group: this.groupId, topic, partition: String(partition) }, lag);
      }
    } catch (error) {
      // A broken connection is rebuilt at the next scrape.
      await this.admin.disconnect().catch(() => undefined);
      this.admin = undefined;
      throw error;
    }
  }
}
