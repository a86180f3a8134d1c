import { LockMode, UniqueConstraintViolationException, type FilterQuery } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import {
  decodeTimeCursor,
  newestFirstAfter,
  enqueueEvent,
  notFound,
  pageSize,
  parseId,
  timeCursorKey,
  toConnection,
  type Connection,
} from '@marketplace/platform';

import { deliveryStateMachine, type DeliveryStatus } from './domain/delivery-state';
import { validateDestination } from './domain/destination';
import { Delivery } from './entities/delivery.entity';
import { TrackingEvent } from './entities/tracking-event.entity';
import { deliveryStatusEvent } from './events/delivery-events';

/**
 * What the service needs of a caller: an EntityManager fork of its own. When `em` is inside a
 * transaction (e.g. a saga step writing its outbox row), the change joins it and commits with it.
 */
export interface DeliveryServiceContext {
  em: EntityManager;
}

export interface DeliveryServiceOptions {
  /** Where every parcel leaves from (`WAREHOUSE_ADDRESS`). */
  warehouseAddress: string;
}

export interface NewDelivery {
  orderId: string;
  /** The buyer. */
  userId: string;
  /** The shipping address given at checkout. */
  destination: string;
}

export interface DeliveryListArgs {
  status?: DeliveryStatus | null;
  /** Page size, 1 to 100. Default 20. */
  first?: number | null;
  after?: string | null;
}

/**
 * Deliveries and their lifecycle. Every status change takes the delivery's row lock, moves it
 * through `deliveryStateMachine` (which stamps the time and records a tracking event) and adds the event announcing
 * it (`DeliveryCreated`, `DeliveryDispatched`, `DeliveryCompleted`, `DeliveryCancelled`, via the
 * outbox) in the same transaction, so of two concurrent changes the second sees the first's result
 * (and is refused if it no longer applies), and an event goes out exactly when its change commits.
 */
export class DeliveryService {
  /**
   * @param eventsTopic the namespaced topic delivery events are published to
   *   (`namespaced(config, TOPICS.delivery)`).
   */
  constructor(
    private readonly options: DeliveryServiceOptions,
    private readonly eventsTopic: string,
  ) {}

  /**
   * Creates the `CREATED` delivery of an order, shipping from the warehouse. Idempotent per order:
   * a repeated call (also a concurrent one) returns the existing delivery unchanged and announces nothing.
   */
  async createDelivery(context: DeliveryServiceContext, input: NewDelivery): Promise<Delivery> {
    const orderId = parseId(input.orderId, 'orderId');
    const userId = parseId(input.userId, 'userId');
    const destination = validateDestination(input.destination);
    const existing = await context.em.findOne(Delivery, { orderId });
    if (existing) return existing;
    try {
      return await context.em.transactional(async (em) => {
        const delivery = new Delivery(orderId, userId, this.options.warehouseAddress, destination);
        em.persist([delivery, new TrackingEvent(delivery, 'CREATED', null, delivery.createdAt)]);
        enqueueEvent(em, this.eventsTopic, deliveryStatusEvent(delivery));
        await em.flush();
        return delivery;
      });
    } catch (error) {
      // A concurrent call for the same order won the unique index: return its delivery.
      if (error instanceof UniqueConstraintViolationException) {
        return context.em.findOneOrFail(Delivery, { orderId }, { refresh: true });
      }
      throw error;
    }
  }

  /**
   * `CREATED → IN_TRANSIT`. Unknown id: `NOT_FOUND`; any other status: `BAD_USER_INPUT` with
   * reason `ILLEGAL_TRANSITION` (the state machine's refusal).
   */
  dispatch(context: DeliveryServiceContext, id: string): Promise<Delivery> {
    return this.changeStatusById(context, id, 'IN_TRANSIT');
  }

  /** `IN_TRANSIT → DELIVERED`. Unknown id: `NOT_FOUND`; any other status: `ILLEGAL_TRANSITION`. */
  complete(context: DeliveryServiceContext, id: string): Promise<Delivery> {
    return this.changeStatusById(context, id, 'DELIVERED');
  }

  /**
   * Calls off an order's delivery (`CREATED → CANCELLED`); null when the order has none.
   * Throws the platform's `IllegalTransitionError` once the parcel has been dispatched.
   */
  cancelForOrder(
    context: DeliveryServiceContext,
    orderId: string,
    note: string | null = null,
  ): Promise<Delivery | null> {
    return this.changeStatus(context, { orderId: parseId(orderId, 'orderId') }, 'CANCELLED', note);
  }

  /** Deliveries newest first, optionally only those in `status`, as a cursor connection. */
  async list(
    context: DeliveryServiceContext,
    { status, first, after }: DeliveryListArgs,
  ): Promise<Connection<Delivery>> {
    const limit = pageSize(first);
    const cursor = decodeTimeCursor(after);
    const where: FilterQuery<Delivery> = status ? { status } : {};
    const page = newestFirstAfter<Delivery>(where, cursor);
    const rows = await context.em.find(Delivery, page, {
      orderBy: { createdAt: 'desc', id: 'desc' },
      limit: limit + 1,
    });
    const totalCount = await context.em.count(Delivery, where);
    return toConnection(rows, limit, totalCount, timeCursorKey, cursor !== null);
  }

  private async changeStatusById(
    context: DeliveryServiceContext,
    rawId: string,
    to: DeliveryStatus,
  ): Promise<Delivery> {
    const id = parseId(rawId);
    const delivery = await this.changeStatus(context, { id }, to, null);
    if (!delivery) throw notFound('Delivery', id);
    return delivery;
  }

  /** The one place a delivery's status changes: row lock, state machine (timestamp, tracking event), event. */
  private async changeStatus(
    context: DeliveryServiceContext,
    where: FilterQuery<Delivery>,
    to: DeliveryStatus,
    note: string | null,
  ): Promise<Delivery | null> {
    return context.em.transactional(async (em) => {
      // `refresh` because a forked identity map may hold a status read before the lock.
      const delivery = await em.findOne(Delivery, where, {
        lockMode: LockMode.PESSIMISTIC_WRITE,
        refresh: true,
      });
      if (!delivery) return null;
      deliveryStateMachine.transition(delivery, to, {
        now: new Date(),
        note,
        record: (step) => em.persist(new TrackingEvent(delivery, step.status, step.note, step.occurredAt)),
      });
      enqueueEvent(em, this.eventsTopic, deliveryStatusEvent(delivery));
      return delivery;
    });
  }
}
