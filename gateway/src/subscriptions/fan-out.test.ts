import { randomUUID } from 'node:crypto';
import type { FormattedExecutionResult } from 'graphql';
import { createEvent, createLogger, type Role } from '@marketplace/platform';
import { testSchema } from '../../test/fixtures/api-schema';
import type { Caller, ExecuteAsCaller } from './auth';
import { EventStream } from './event-stream';
import { FanOut } from './fan-out';
import type { OrderStatusChangedEvent } from './order-event';
import { defaultOperationLimits, operationLimitChecks } from '../limits';
import { PayloadExecutor } from './payload-executor';
import { prepareOperation, type PreparedSubscription } from './validation';

const log = createLogger('fan-out-test', 'silent');
const alice = randomUUID();
const bob = randomUUID();
const orderId = randomUUID();

const callerOf = (userId: string, role: Role = 'CUSTOMER'): Caller => ({
  viewer: { userId, role, expiresAt: Number.MAX_SAFE_INTEGER },
  authorization: `Bearer token-of-${userId}`,
});

const limits = operationLimitChecks(defaultOperationLimits());

const prepare = (query: string, variables: Record<string, unknown> = {}): PreparedSubscription =>
  prepareOperation(testSchema, { query, variables }, limits) as PreparedSubscription;

const TRACK =
  'subscription ($id: ID!) { orderStatusChanged(orderId: $id) { version status order { status } } }';
const MINE = 'subscription { myOrderUpdates { orderId version } }';

const event = (version: number, userId = alice, id = orderId): OrderStatusChangedEvent =>
  createEvent({
    type: 'OrderStatusChanged' as const,
    orderId: id,
    version,
    source: 'order',
    payload: { userId, status: 'PAID', previousStatus: 'AWAITING_PAYMENT', reason: null },
  });

/** Everything a stream holds right now. */
async function drain(stream: EventStream<FormattedExecutionResult>): Promise<FormattedExecutionResult[]> {
  const values: FormattedExecutionResult[] = [];
  while (stream.backlog > 0) {
    const next = await stream.next();
    if (!next.done) values.push(next.value);
  }
  return values;
}

function setUp(
  execute: ExecuteAsCaller = jest.fn().mockResolvedValue({ data: { order: { status: 'PAID' } } }),
) {
  const fanOut = new FanOut({ payloads: new PayloadExecutor(execute, log), log });
  const add = (prepared: PreparedSubscription, caller: Caller, followed: string | null = null) => {
    const stream = new EventStream<FormattedExecutionResult>(() => remove());
    const remove = fanOut.add({ prepared, caller, orderId: followed, stream });
    return { stream, remove };
  };
  return { fanOut, execute, add };
}

describe('FanOut', () => {
  it("delivers an order's versions in increasing order, dropping duplicates and older ones", async () => {
    const { fanOut, add } = setUp();
    const { stream } = add(prepare(MINE), callerOf(alice));
    const second = event(2);
    await fanOut.publish([second, second, event(1), event(4), event(3)]);
    await fanOut.publish([event(4), event(5)]);
    await fanOut.idle();
    const versions = (await drain(stream)).map(
      (result) => (result.data as { myOrderUpdates: { version: number } }).myOrderUpdates.version,
    );
    expect(versions).toEqual([2, 4, 5]);
  });

  it('renders once per event for subscribers sharing operation, variables and viewer', async () => {
    const { fanOut, add, execute } = setUp();
    const track = prepare(TRACK, { id: orderId });
    const streams = [
      add(track, callerOf(alice), orderId),
      add(prepare(TRACK, { id: orderId }), callerOf(alice), orderId),
      add(track, callerOf(bob, 'ADMIN'), orderId),
    ].map((subscriber) => subscriber.stream);
    await fanOut.publish([event(2)]);
    await fanOut.idle();
    expect(execute).toHaveBeenCalledTimes(2);
    for (const stream of streams) {
      expect(await drain(stream)).toEqual([
        { data: { orderStatusChanged: { version: 2, status: 'PAID', order: { status: 'PAID' } } } },
      ]);
    }
  });

  it('checks every event: owner or admin for a followed order, only the owner for myOrderUpdates', async () => {
    const { fanOut, add } = setUp();
    const owner = add(prepare(TRACK, { id: orderId }), callerOf(alice), orderId).stream;
    const admin = add(prepare(TRACK, { id: orderId }), callerOf(bob, 'ADMIN'), orderId).stream;
    const adminOwn = add(prepare(MINE), callerOf(bob, 'ADMIN')).stream;
    const stranger = add(prepare(MINE), callerOf(randomUUID())).stream;
    await fanOut.publish([event(2, bob)]); // the followed order, but Bob's: only admins may see it
    await fanOut.idle();
    expect(await drain(owner)).toHaveLength(0);
    expect(await drain(admin)).toHaveLength(1);
    expect(await drain(adminOwn)).toHaveLength(1);
    expect(await drain(stranger)).toHaveLength(0);
  });

  it('forgets subscribers that unsubscribe', async () => {
    const { fanOut, add } = setUp();
    const subscriber = add(prepare(MINE), callerOf(alice));
    expect(fanOut.size).toBe(1);
    await subscriber.stream.return();
    expect(fanOut.size).toBe(0);
    await fanOut.publish([event(2)]);
    await fanOut.idle();
    expect(await drain(subscriber.stream)).toEqual([]);
  });

  it('still delivers the event fields when the order cannot be fetched, with the error under the field', async () => {
    const { fanOut, add } = setUp(
      jest.fn().mockResolvedValue({
        data: { order: null },
        errors: [
          { message: 'payment is down', path: ['order'], extensions: { code: 'INTERNAL_SERVER_ERROR' } },
        ],
      }),
    );
    const { stream } = add(prepare(TRACK, { id: orderId }), callerOf(alice), orderId);
    await fanOut.publish([event(2)]);
    await fanOut.idle();
    expect(await drain(stream)).toEqual([
      {
        data: { orderStatusChanged: { version: 2, status: 'PAID', order: null } },
        errors: [
          {
            message: 'payment is down',
            path: ['orderStatusChanged', 'order'],
            extensions: { code: 'INTERNAL_SERVER_ERROR' },
          },
        ],
      },
    ]);
  });

  it("keeps one order's events in order while other orders' events overtake a slow render", async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let calls = 0;
    const execute: ExecuteAsCaller = async (_query, variables) => {
      if (variables.orderId === orderId && calls++ === 0) await gate; // only the first render is slow
      return { data: { order: { status: 'PAID' } } };
    };
    const { fanOut, add } = setUp(execute);
    const otherOrder = randomUUID();
    const slow = add(prepare(TRACK, { id: orderId }), callerOf(alice), orderId).stream;
    const fast = add(prepare(TRACK, { id: otherOrder }), callerOf(alice), otherOrder).stream;

    await fanOut.publish([event(2), event(3), event(2, alice, otherOrder)]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(await drain(fast)).toHaveLength(1);
    expect(await drain(slow)).toHaveLength(0);
    release();
    await fanOut.idle();
    const versions = (await drain(slow)).map(
      (result) => (result.data as { orderStatusChanged: { version: number } }).orderStatusChanged.version,
    );
    expect(versions).toEqual([2, 3]);
  });

  it('makes the consumer wait while maxPending events are undelivered', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const fanOut = new FanOut({
      payloads: { forEvent: () => async () => (await gate, { data: null }) },
      log,
      concurrency: 1,
      maxPending: 2,
    });
    const stream = new EventStream<FormattedExecutionResult>(() => undefined);
    fanOut.add({ prepared: prepare(MINE), caller: callerOf(alice), orderId: null, stream });
    let accepted = false;
    const publishing = fanOut
      .publish([event(2, alice, randomUUID()), event(2, alice, randomUUID()), event(2, alice, randomUUID())])
      .then(() => (accepted = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(accepted).toBe(false);
    release();
    await publishing;
    await fanOut.idle();
    expect(await drain(stream)).toHaveLength(3);
  });
});
