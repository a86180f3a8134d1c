import type { FormattedExecutionResult } from 'graphql';
import {
  eventAttributes,
  inSpan,
  mayAccess,
  SERVICE_ATTRIBUTE,
  traceContextOf,
  type Logger,
  type ServiceMetrics,
} from '@marketplace/platform';
import type { Caller } from './auth';
import type { EventStream } from './event-stream';
import { ownerOf, type OrderStatusChangedEvent } from './order-event';
import type { PayloadExecutor } from './payload-executor';
import type { PreparedSubscription } from './validation';

/** One live subscription. */
export interface Subscriber {
  prepared: PreparedSubscription;
  caller: Caller;
  /** The order followed by `orderStatusChanged` (access already checked); null for `myOrderUpdates`. */
  orderId: string | null;
  stream: EventStream<FormattedExecutionResult>;
}

interface Registration extends Subscriber {
  /** Highest event version delivered, per order: anything at or below it is a redelivery. */
  delivered: Map<string, number>;
}

export interface FanOutOptions {
  payloads: Pick<PayloadExecutor, 'forEvent'>;
  log: Logger;
  /** Events rendered and delivered at the same time (each may run one gateway execution). Default 16. */
  concurrency?: number;
  /** Events accepted but not yet delivered before `publish` waits (backpressure on Kafka). Default 1 000. */
  maxPending?: number;
  /** Observes the latency from each event's commit to its push, per subscriber. */
  metrics?: ServiceMetrics;
}

/**
 * May this subscriber see this event? Checked for every event, not only at subscribe time, with
 * the graph's one ownership rule (`mayAccess`: the owner or an administrator). `myOrderUpdates`
 * is, in addition, only ever about the caller's own orders — also for an administrator.
 */
function mayReceive(subscriber: Registration, event: OrderStatusChangedEvent): boolean {
  const { viewer } = subscriber.caller;
  if (!mayAccess(viewer, ownerOf(event))) return false;
  if (subscriber.prepared.field === 'myOrderUpdates') return ownerOf(event) === viewer.userId;
  return event.orderId === subscriber.orderId;
}

function addTo<K>(index: Map<K, Set<Registration>>, key: K, registration: Registration): void {
  const set = index.get(key) ?? new Set();
  set.add(registration);
  index.set(key, set);
}

function removeFrom<K>(index: Map<K, Set<Registration>>, key: K, registration: Registration): void {
  const set = index.get(key);
  if (!set) return;
  set.delete(registration);
  if (set.size === 0) index.delete(key);
}

/**
 * Routes order events to subscribers. Subscribers are indexed by order (`orderStatusChanged`) and by
 * owner (`myOrderUpdates`), so an event only touches those who may want it. Guarantees:
 *
 * - per order, events are delivered one after the other in the order they were published (one
 *   chain per order; different orders proceed concurrently), and each subscriber gets versions in
 *   increasing order without duplicates (anything at or below the last delivered version is
 *   dropped: Kafka redelivery after a restart or rebalance, re-sends of the relay);
 * - subscribers with the same operation, variables and viewer share one rendering — and one
 *   execution of their `order` selection — per event.
 */
export class FanOut {
  private readonly byOrder = new Map<string, Set<Registration>>();
  private readonly byOwner = new Map<string, Set<Registration>>();
  private count = 0;
  /** The tail of each order's delivery chain: one order's events are delivered one after the other. */
  private readonly chains = new Map<string, Promise<void>>();
  private pending = 0;
  private running = 0;
  private readonly capacityWaiters: (() => void)[] = [];
  private readonly runWaiters: (() => void)[] = [];
  private readonly concurrency: number;
  private readonly maxPending: number;

  constructor(private readonly options: FanOutOptions) {
    this.concurrency = options.concurrency ?? 16;
    this.maxPending = options.maxPending ?? 1_000;
  }

  /** Live subscriptions. */
  get size(): number {
    return this.count;
  }

  /** Registers a subscriber; the returned function unregisters it (idempotent). */
  add(subscriber: Subscriber): () => void {
    const registration: Registration = { ...subscriber, delivered: new Map() };
    const byOrder = registration.orderId !== null;
    if (byOrder) addTo(this.byOrder, registration.orderId, registration);
    else addTo(this.byOwner, registration.caller.viewer.userId, registration);
    this.count++;
    let removed = false;
    return () => {
      if (removed) return;
      removed = true;
      this.count--;
      if (byOrder) removeFrom(this.byOrder, registration.orderId, registration);
      else removeFrom(this.byOwner, registration.caller.viewer.userId, registration);
    };
  }

  /**
   * Accepts a batch of events (one Kafka batch of one partition, in offset order) and resolves as
   * soon as they are queued — so the consumer keeps fetching while payloads are rendered — or,
   * when more than `maxPending` events wait, once there is room. Never rejects.
   */
  async publish(events: readonly OrderStatusChangedEvent[]): Promise<void> {
    for (const event of events) {
      while (this.pending >= this.maxPending)
        await new Promise<void>((resolve) => this.capacityWaiters.push(resolve));
      this.enqueue(event);
    }
  }

  /** Resolves when every event accepted so far has been delivered (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.chains.size > 0) await Promise.all(this.chains.values());
  }

  private enqueue(event: OrderStatusChangedEvent): void {
    const { orderId } = event;
    this.pending++;
    const chain: Promise<void> = (this.chains.get(orderId) ?? Promise.resolve())
      .then(() => this.limited(() => this.deliver(event)))
      .catch((error: unknown) =>
        this.options.log.error(
          { err: error, eventId: event.eventId, requestId: event.requestId },
          'order event delivery failed',
        ),
      )
      .finally(() => {
        this.pending--;
        this.capacityWaiters.shift()?.();
        if (this.chains.get(orderId) === chain) this.chains.delete(orderId);
      });
    this.chains.set(orderId, chain);
  }

  private async limited(work: () => Promise<void>): Promise<void> {
    while (this.running >= this.concurrency)
      await new Promise<void>((resolve) => this.runWaiters.push(resolve));
    this.running++;
    try {
      await work();
    } finally {
      this.running--;
      this.runWaiters.shift()?.();
    }
  }

  /** Commit (`occurredAt`, stamped in the committing transaction) to push, once per subscriber. */
  private observePush(event: OrderStatusChangedEvent, subscribers: number): void {
    const committedAt = Date.parse(event.occurredAt);
    if (!this.options.metrics || Number.isNaN(committedAt)) return;
    const seconds = Math.max(0, (Date.now() - committedAt) / 1_000);
    for (let pushed = 0; pushed < subscribers; pushed++) this.options.metrics.pushLatency.observe(seconds);
  }

  private async deliver(event: OrderStatusChangedEvent): Promise<void> {
    const candidates = [
      ...(this.byOrder.get(event.orderId) ?? []),
      ...(this.byOwner.get(ownerOf(event)) ?? []),
    ];
    if (candidates.length === 0) return;

    const groups = new Map<string, Registration[]>();
    for (const subscriber of candidates) {
      if (subscriber.stream.isClosed || !mayReceive(subscriber, event)) continue;
      if ((subscriber.delivered.get(event.orderId) ?? 0) >= event.version) continue;
      // Recorded before rendering: a redelivery arriving meanwhile is already a duplicate.
      subscriber.delivered.set(event.orderId, event.version);
      const { viewer } = subscriber.caller;
      const key = `${subscriber.prepared.key}\n${viewer.userId}/${viewer.role}`;
      const group = groups.get(key) ?? [];
      group.push(subscriber);
      groups.set(key, group);
    }
    if (groups.size === 0) return;

    // The push (rendering and sending) is the last span of the operation that changed the order.
    const span = {
      parent: traceContextOf(event),
      attributes: {
        ...eventAttributes(event),
        [SERVICE_ATTRIBUTE]: 'gateway',
        'marketplace.subscribers': groups.size,
      },
    };
    await inSpan('subscription push', span, async () => {
      const render = this.options.payloads.forEvent(event);
      await Promise.all(
        [...groups.values()].map(async (group) => {
          const payload = await render(group[0].prepared, group[0].caller);
          for (const subscriber of group) subscriber.stream.push(payload);
          this.observePush(event, group.length);
        }),
      );
    });
  }
}
