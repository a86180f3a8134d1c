import { StateMachine } from '@marketplace/platform';

/** Where a delivery is. */
export type DeliveryStatus = 'CREATED' | 'IN_TRANSIT' | 'DELIVERED' | 'CANCELLED';

/** In the order a delivery can pass through them (each at most once). */
export const DELIVERY_STATUSES: readonly DeliveryStatus[] = [
  'CREATED',
  'IN_TRANSIT',
  'DELIVERED',
  'CANCELLED',
];

/** `CREATED → IN_TRANSIT → DELIVERED`, `CREATED → CANCELLED`; `DELIVERED` and `CANCELLED` are final. */
const TRANSITIONS: Readonly<Record<DeliveryStatus, readonly DeliveryStatus[]>> = {
  CREATED: ['IN_TRANSIT', 'CANCELLED'],
  IN_TRANSIT: ['DELIVERED'],
  DELIVERED: [],
  CANCELLED: [],
};

/** What the machine changes of a delivery (the `Delivery` entity). */
export interface StatefulDelivery {
  status: DeliveryStatus;
  shippedAt: Date | null;
  deliveredAt: Date | null;
  cancelledAt: Date | null;
}

/** One step of a delivery's tracking history. */
export interface TrackingStep {
  /** The status the delivery entered. */
  status: DeliveryStatus;
  note: string | null;
  occurredAt: Date;
}

/** What a status change carries besides the new status. */
export interface DeliveryTransition {
  now: Date;
  /** Shown with the tracking event, e.g. why a delivery was called off. */
  note: string | null;
  /** Stores the tracking event of the change (the service persists it in the same transaction). */
  record(step: TrackingStep): void;
}

const STAMP: Partial<Record<DeliveryStatus, 'shippedAt' | 'deliveredAt' | 'cancelledAt'>> = {
  IN_TRANSIT: 'shippedAt',
  DELIVERED: 'deliveredAt',
  CANCELLED: 'cancelledAt',
};

/**
 * The delivery's transitions; every status change of a delivery goes through it. The hook stamps
 * the time of the step (`shippedAt`, `deliveredAt`, `cancelledAt`) and records its tracking
 * event. A refused change throws the platform's `IllegalTransitionError` and changes nothing.
 */
export const deliveryStateMachine = new StateMachine<DeliveryStatus, StatefulDelivery, DeliveryTransition>({
  name: 'delivery',
  transitions: TRANSITIONS,
  describeRefusal: (from, to) =>
    `A ${from} delivery cannot become ${to}` +
    (TRANSITIONS[from].length ? ` (it can become ${TRANSITIONS[from].join(' or ')})` : ` (${from} is final)`),
  onTransition: (delivery, _from, to, { now, note, record }) => {
    const stamp = STAMP[to];
    if (stamp) delivery[stamp] = now;
    record({ status: to, note, occurredAt: now });
  },
});

/**
 * Orders two events of one delivery: by time, then by status (the machine never revisits a status),
 * so events recorded within the same millisecond still come out in the order they happened.
 */
export const compareTrackingEvents = (
  a: { occurredAt: Date; status: DeliveryStatus },
  b: { occurredAt: Date; status: DeliveryStatus },
): number =>
  a.occurredAt.getTime() - b.occurredAt.getTime() ||
  DELIVERY_STATUSES.indexOf(a.status) - DELIVERY_STATUSES.indexOf(b.status);

/**
 * How many statuses a delivery in `status` has been through. The machine never revisits a status
 * and reaches each by one path only, so this is the per-order `version` of the delivery event that
 * announces `status` (one delivery per order).
 */
const STEPS: Readonly<Record<DeliveryStatus, number>> = {
  CREATED: 1,
  IN_TRANSIT: 2,
  DELIVERED: 3,
  CANCELLED: 2,
};

export const deliveryEventVersion = (status: DeliveryStatus): number => STEPS[status];
