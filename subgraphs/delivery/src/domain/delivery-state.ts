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
const NEXT: Readonly<Record<DeliveryStatus, readonly DeliveryStatus[]>> = {
  CREATED: ['IN_TRANSIT', 'CANCELLED'],
  IN_TRANSIT: ['DELIVERED'],
  DELIVERED: [],
  CANCELLED: [],
};

/** A delivery was asked to move to a status its current one does not lead to. */
export class IllegalDeliveryTransitionError extends Error {
  constructor(
    readonly from: DeliveryStatus,
    readonly to: DeliveryStatus,
  ) {
    super(
      `A ${from} delivery cannot become ${to}` +
        (NEXT[from].length ? ` (it can become ${NEXT[from].join(' or ')})` : ` (${from} is final)`),
    );
    this.name = 'IllegalDeliveryTransitionError';
  }
}

export const canTransitionDelivery = (from: DeliveryStatus, to: DeliveryStatus): boolean =>
  NEXT[from].includes(to);

/** Throws {@link IllegalDeliveryTransitionError} unless `from → to` is allowed. */
export function assertDeliveryTransition(from: DeliveryStatus, to: DeliveryStatus): void {
  if (!canTransitionDelivery(from, to)) throw new IllegalDeliveryTransitionError(from, to);
}

export const isFinalDeliveryStatus = (status: DeliveryStatus): boolean => NEXT[status].length === 0;

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
