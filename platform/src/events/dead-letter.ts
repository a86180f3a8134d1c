import type { IHeaders, KafkaMessage } from 'kafkajs';

/**
 * What a dead-letter record says about the message it holds, in its Kafka headers: enough to
 * list it and replay it to the one consumer that failed. The value and key are the original
 * message's, byte for byte. Records written before these headers existed carry only
 * `x-dlt-reason`, `x-dlt-consumer` and `x-dlt-source` (`topic/partition/offset`); they are read
 * too, with the time taken from the record's timestamp.
 */
export const DLT_HEADERS = {
  reason: 'x-dlt-reason',
  consumer: 'x-dlt-consumer',
  source: 'x-dlt-source',
  group: 'x-dlt-group',
  topic: 'x-dlt-topic',
  partition: 'x-dlt-partition',
  offset: 'x-dlt-offset',
  attempts: 'x-dlt-attempts',
  at: 'x-dlt-at',
  eventId: 'x-dlt-event-id',
  eventType: 'x-dlt-event-type',
} as const;

/**
 * Headers of a replayed message on its original topic: only the consumer named in
 * `x-replay-consumer` applies it (every other consumer of the topic had applied or skipped the
 * original); `x-replay-of` names the dead-letter record it came from.
 */
export const REPLAY_HEADERS = { consumer: 'x-replay-consumer', of: 'x-replay-of' } as const;

/** Longest error text kept in a header (the reason, not a stack). */
const MAX_REASON_LENGTH = 1_000;

/** Where a message is (or was) in Kafka. */
export interface MessagePosition {
  topic: string;
  partition: number;
  offset: string;
}

export const positionText = ({ topic, partition, offset }: MessagePosition): string =>
  `${topic}/${partition}/${offset}`;

/** Why and where a message was dead-lettered, as the consumer knows it. */
export interface DeadLetterCause {
  source: MessagePosition;
  /** The consumer's name (its `processed_events` scope, e.g. `payment`). */
  consumer: string;
  groupId: string;
  /** Handler attempts made; 0 for a message that is not an event. */
  attempts: number;
  /** The last error's message. */
  reason: string;
  at: Date;
  eventId?: string;
  eventType?: string;
}

export function deadLetterHeaders(cause: DeadLetterCause): IHeaders {
  const headers: IHeaders = {
    [DLT_HEADERS.reason]: cause.reason.slice(0, MAX_REASON_LENGTH),
    [DLT_HEADERS.consumer]: cause.consumer,
    [DLT_HEADERS.source]: positionText(cause.source),
    [DLT_HEADERS.group]: cause.groupId,
    [DLT_HEADERS.topic]: cause.source.topic,
    [DLT_HEADERS.partition]: String(cause.source.partition),
    [DLT_HEADERS.offset]: cause.source.offset,
    [DLT_HEADERS.attempts]: String(cause.attempts),
    [DLT_HEADERS.at]: cause.at.toISOString(),
  };
  if (cause.eventId) headers[DLT_HEADERS.eventId] = cause.eventId;
  if (cause.eventType) headers[DLT_HEADERS.eventType] = cause.eventType;
  return headers;
}

/** One dead-letter record, as `npm run dlt -- list` shows it. */
export interface DeadLetter {
  /** The record's own place in `<topic>.dlt`; identifies it for replay. */
  position: MessagePosition;
  /** Where the original message was; `undefined` only for a record with no source header. */
  source?: MessagePosition;
  consumer?: string;
  /** Unknown for records written before the group header existed. */
  groupId?: string;
  eventId?: string;
  eventType?: string;
  reason: string;
  attempts?: number;
  at: Date;
  key: Buffer | null;
  value: Buffer | null;
  /** When it was replayed, if it was. */
  replayedAt?: Date;
}

const headerText = (headers: IHeaders | undefined, name: string): string | undefined => {
  const raw = headers?.[name];
  const first = Array.isArray(raw) ? raw[0] : raw;
  return first === undefined ? undefined : first.toString();
};

/** `topic/partition/offset`; topic names cannot contain `/`. */
function parsePosition(text: string | undefined): MessagePosition | undefined {
  const match = text ? /^([^/]+)\/(\d+)\/(\d+)$/.exec(text) : null;
  return match ? { topic: match[1], partition: Number(match[2]), offset: match[3] } : undefined;
}

/** The event id and type of the payload, for records without the event headers. */
function eventOf(value: Buffer | null): { eventId?: string; eventType?: string } {
  try {
    const parsed = JSON.parse(value?.toString('utf8') ?? '') as { eventId?: unknown; type?: unknown };
    return {
      eventId: typeof parsed.eventId === 'string' ? parsed.eventId : undefined,
      eventType: typeof parsed.type === 'string' ? parsed.type : undefined,
    };
  } catch {
    return {};
  }
}

/** Reads a dead-letter record, old or new format. */
export function parseDeadLetter(position: MessagePosition, message: KafkaMessage): DeadLetter {
  const { headers } = message;
  const text = (name: string): string | undefined => headerText(headers, name);
  const topic = text(DLT_HEADERS.topic);
  const partition = text(DLT_HEADERS.partition);
  const offset = text(DLT_HEADERS.offset);
  const source =
    topic && partition && offset
      ? { topic, partition: Number(partition), offset }
      : parsePosition(text(DLT_HEADERS.source));
  const fromPayload = eventOf(message.value);
  const attempts = text(DLT_HEADERS.attempts);
  const at = text(DLT_HEADERS.at);
  return {
    position,
    source,
    consumer: text(DLT_HEADERS.consumer),
    groupId: text(DLT_HEADERS.group),
    eventId: text(DLT_HEADERS.eventId) ?? fromPayload.eventId,
    eventType: text(DLT_HEADERS.eventType) ?? fromPayload.eventType,
    reason: text(DLT_HEADERS.reason) ?? '(no reason recorded)',
    attempts: attempts === undefined ? undefined : Number(attempts),
    at: new Date(at ?? Number(message.timestamp)),
    key: message.key,
    value: message.value,
  };
}

/** The consumer a replayed message is meant for, or `undefined` for an ordinary message. */
export const replayedFor = (headers: IHeaders | undefined): string | undefined =>
  headerText(headers, REPLAY_HEADERS.consumer);
