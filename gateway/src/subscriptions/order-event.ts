import type { CatalogueEvent, IntegrationEvent } from '@marketplace/platform';

/**
 * The one event live tracking is made of: an `OrderStatusChanged` as the order topic carries it.
 * The source produces it, the fan-out routes it, the payload executor renders it.
 */
export type OrderStatusChangedEvent = CatalogueEvent<'OrderStatusChanged'>;

/** The `OrderStatusEvent` fields that come from the event itself. */
export interface OrderStatusEventFields {
  eventId: string;
  orderId: string;
  status: string;
  previousStatus: string | null;
  version: number;
  occurredAt: string;
  reason: string | null;
}

const isOptionalString = (value: unknown): boolean =>
  value === null || value === undefined || typeof value === 'string';

/** A schema-version-1 `OrderStatusChanged` with the payload fields the gateway relies on. */
export function asOrderStatusChanged(event: IntegrationEvent): OrderStatusChangedEvent | null {
  if (event.type !== 'OrderStatusChanged' || event.schemaVersion !== 1) return null;
  const payload = event.payload as Record<string, unknown> | null;
  if (
    typeof payload !== 'object' ||
    payload === null ||
    typeof payload.userId !== 'string' ||
    typeof payload.status !== 'string' ||
    !isOptionalString(payload.previousStatus) ||
    !isOptionalString(payload.reason)
  ) {
    return null;
  }
  return event as OrderStatusChangedEvent;
}

/** The owner of the order the event is about. */
export const ownerOf = (event: OrderStatusChangedEvent): string => event.payload.userId;

export const eventFields = (event: OrderStatusChangedEvent): OrderStatusEventFields => ({
  eventId: event.eventId,
  orderId: event.orderId,
  status: event.payload.status,
  previousStatus: event.payload.previousStatus ?? null,
  version: event.version,
  occurredAt: event.occurredAt,
  reason: event.payload.reason ?? null,
});
