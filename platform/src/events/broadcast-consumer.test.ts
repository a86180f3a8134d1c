import type { Kafka } from 'kafkajs';
import { createLogger } from '../logger';
import { within } from '../testing';
import { BroadcastConsumer, type BroadcastConsumerOptions } from './broadcast-consumer';

const log = createLogger('order-events-test', 'silent');

/** A Kafka whose admin fails to connect `failures` times, then creates topics and has no offsets. */
function fakeKafka(failures = Infinity) {
  let attempts = 0;
  const createTopics = jest.fn().mockResolvedValue(true);
  const admin = () => ({
    connect: async () => {
      if (++attempts <= failures) throw new Error('broker down');
    },
    disconnect: async () => undefined,
    listTopics: async () => [],
    createTopics,
    fetchOffsets: async () => [],
  });
  // The consumer never connects: enough to see start-up reach it.
  const consumer = jest.fn(() => ({
    on: jest.fn(),
    events: { GROUP_JOIN: 'join', CRASH: 'crash', DISCONNECT: 'disconnect' },
    connect: async () => {
      throw new Error('no consumer in this test');
    },
    disconnect: async () => undefined,
  }));
  const kafka = { admin, consumer } as unknown as Kafka;
  return { kafka, createTopics, consumer, attempts: () => attempts };
}

function sourceWith(kafka: Kafka, overrides: Partial<BroadcastConsumerOptions> = {}): BroadcastConsumer {
  return new BroadcastConsumer({
    kafka,
    topic: 'test.order.events',
    topicSettings: { partitions: 7, replicationFactor: 2 },
    groupId: 'test.gateway.a',
    log,
    onEvents: async () => undefined,
    ...overrides,
  });
}

/** Polls `check` every few ms until it holds, failing after `ms`. */
async function until(check: () => boolean, ms = 2_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('BroadcastConsumer', () => {
  it('keeps retrying a failed start with backoff until it stops', async () => {
    const { kafka, attempts } = fakeKafka();
    const source = sourceWith(kafka, { backoff: { initialDelayMs: 1, maxDelayMs: 5 } });
    source.start();
    await until(() => attempts() >= 3);
    await within(source.stop(), 1_000, 'stop');
    expect(source.consuming).toBe(false);
  });

  it('stops at once while it waits to retry', async () => {
    const { kafka, attempts } = fakeKafka();
    const watched = createLogger('order-events-test', 'silent');
    const warn = jest.spyOn(watched, 'warn');
    const source = sourceWith(kafka, {
      backoff: { initialDelayMs: 60_000, maxDelayMs: 60_000 },
      log: watched,
    });
    source.start();
    await until(() => warn.mock.calls.length === 1);
    expect(warn.mock.calls[0][0]).toMatchObject({ retryInMs: expect.any(Number) });
    // The pause would last a minute; stop() ends it.
    await within(source.stop(), 1_000, 'stop during the retry pause');
    expect(attempts()).toBe(1);
  });

  it('creates its topic with the configured partitions and replication', async () => {
    const { kafka, createTopics, consumer } = fakeKafka(0);
    const source = sourceWith(kafka, { backoff: { initialDelayMs: 60_000 } });
    source.start();
    await until(() => consumer.mock.calls.length > 0);
    await within(source.stop(), 1_000, 'stop');
    expect(createTopics).toHaveBeenCalledWith(
      expect.objectContaining({
        topics: [
          expect.objectContaining({ topic: 'test.order.events', numPartitions: 7, replicationFactor: 2 }),
        ],
      }),
    );
  });
});
