import type { IHeaders, KafkaMessage } from 'kafkajs';
import { deadLetterHeaders, parseDeadLetter, replayedFor, REPLAY_HEADERS } from './dead-letter';

const position = { topic: 'marketplace.order.events.dlt', partition: 1, offset: '42' };
const event = { eventId: 'e-1', type: 'OrderCancelled', orderId: 'o-1' };

const message = (headers: IHeaders, value: string | null = JSON.stringify(event)): KafkaMessage => ({
  key: Buffer.from('o-1'),
  value: value === null ? null : Buffer.from(value),
  timestamp: String(Date.UTC(2026, 0, 2)),
  attributes: 0,
  offset: position.offset,
  headers,
});

describe('dead-letter records', () => {
  it('carries what a replay needs in its headers', () => {
    const at = new Date(Date.UTC(2026, 5, 1));
    const headers = deadLetterHeaders({
      source: { topic: 'marketplace.order.events', partition: 2, offset: '17' },
      consumer: 'payment',
      groupId: 'payment',
      attempts: 5,
      reason: 'x'.repeat(5_000),
      at,
      eventId: 'e-1',
      eventType: 'OrderCancelled',
    });
    expect(parseDeadLetter(position, message(headers, 'not json'))).toMatchObject({
      position,
      source: { topic: 'marketplace.order.events', partition: 2, offset: '17' },
      consumer: 'payment',
      groupId: 'payment',
      eventId: 'e-1',
      eventType: 'OrderCancelled',
      attempts: 5,
      reason: 'x'.repeat(1_000),
      at,
    });
  });

  it('reads a record written before the replay headers existed', () => {
    const legacy = parseDeadLetter(
      position,
      message({
        'x-dlt-reason': 'wallet limit exceeded',
        'x-dlt-consumer': 'payment',
        'x-dlt-source': 'marketplace.order.events/2/17',
      }),
    );
    expect(legacy).toMatchObject({
      source: { topic: 'marketplace.order.events', partition: 2, offset: '17' },
      consumer: 'payment',
      groupId: undefined,
      eventId: 'e-1',
      eventType: 'OrderCancelled',
      attempts: undefined,
      reason: 'wallet limit exceeded',
      at: new Date(Date.UTC(2026, 0, 2)),
    });
  });

  it('knows a message that is not an event by its missing id', () => {
    expect(parseDeadLetter(position, message({ 'x-dlt-reason': 'message is not JSON' }, '{')).eventId).toBe(
      undefined,
    );
  });

  it('tells a replay and its consumer from an ordinary message', () => {
    expect(replayedFor({ [REPLAY_HEADERS.consumer]: Buffer.from('payment') })).toBe('payment');
    expect(replayedFor({ 'x-other': 'value' })).toBe(undefined);
    expect(replayedFor(undefined)).toBe(undefined);
  });
});
