import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Consumer, type EachMessagePayload } from 'kafkajs';
import { eventually } from '@marketplace/platform/testing';
import { loadConfig } from '@marketplace/platform';

/**
 * The pinned broker and kafkajs agree on what the saga relies on: an idempotent producer with
 * acks=all, per-key ordering, and consumer groups (each group gets every message; members commit).
 */
describe('Kafka broker', () => {
  const kafka = new Kafka({
    clientId: 'kafka-test',
    brokers: loadConfig('test').kafkaBrokers,
    logLevel: logLevel.NOTHING,
  });
  const consumers: Consumer[] = [];
  afterAll(() => Promise.all(consumers.map((consumer) => consumer.disconnect())));

  async function consume(topic: string, groupId: string, into: string[]): Promise<Consumer> {
    const consumer = kafka.consumer({ groupId, sessionTimeout: 10_000, heartbeatInterval: 500 });
    consumers.push(consumer);
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }: EachMessagePayload) => {
        into.push(`${message.key?.toString()}:${message.value?.toString()}`);
      },
    });
    return consumer;
  }

  it('delivers idempotently produced, keyed messages in order to every consumer group', async () => {
    const topic = `test.kafka.${randomUUID()}`;
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });
    await admin.disconnect();

    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const keys = ['order-a', 'order-b', 'order-c'];
    for (let sequence = 0; sequence < 20; sequence++) {
      await producer.send({
        topic,
        acks: -1,
        messages: keys.map((key) => ({ key, value: String(sequence) })),
      });
    }
    await producer.disconnect();

    const first: string[] = [];
    const second: string[] = [];
    await consume(topic, `group-one-${randomUUID()}`, first);
    await consume(topic, `group-two-${randomUUID()}`, second);
    await eventually(() => first.length === 60 && second.length === 60, {
      timeoutMs: 30_000,
      message: 'both groups to receive all 60 messages',
    });
    for (const received of [first, second]) {
      for (const key of keys) {
        const sequence = received
          .filter((entry) => entry.startsWith(`${key}:`))
          .map((entry) => Number(entry.split(':')[1]));
        expect(sequence).toEqual(Array.from({ length: 20 }, (_, index) => index));
      }
    }
  });
});
