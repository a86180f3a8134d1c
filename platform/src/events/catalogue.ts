import type { Money } from '../money';
import type { IntegrationEvent } from './envelope';

/**
 * The integration events of the order saga (all schema version 1). Every event is keyed by
 * `orderId`; `version` is the per-order sequence of the emitting aggregate (for order events:
 * the order's own version, which also orders the status history).
 */

export interface OrderLine {
  productId: string;
  quantity: number;
}

/** order → product (reserve), cart (clear), payment (expect a charge). */
export interface OrderPlacedV1 {
  userId: string;
  items: (OrderLine & { unitPrice: number })[];
  total: Money;
  shippingAddress: string;
}

/** order → gateway (live tracking), payment (payable state). Emitted for every status change. */
export interface OrderStatusChangedV1 {
  userId: string;
  status: string;
  previousStatus: string | null;
  reason: string | null;
}

/** order → delivery (create the delivery). */
export interface OrderPaidV1 {
  userId: string;
  shippingAddress: string;
  total: Money;
}

/** order → product (release stock), payment (refund if paid), delivery (cancel). */
export interface OrderCancelledV1 {
  userId: string;
  reason: string;
  previousStatus: string;
}

/** order → product (reserved stock becomes sold). */
export interface OrderShippedV1 {
  userId: string;
}

/** product → order: every line reserved (→ AWAITING_PAYMENT). */
export interface StockReservedV1 {
  items: OrderLine[];
}

/** product → order: nothing reserved (→ CANCELLED / OUT_OF_STOCK). */
export interface StockReservationFailedV1 {
  reason: 'OUT_OF_STOCK' | 'UNKNOWN_PRODUCT';
  unavailable: { productId: string; requested: number; available: number }[];
}

/** product: informational (stock back on sale / sold). */
export interface StockReleasedV1 {
  items: OrderLine[];
}
export interface StockSoldV1 {
  items: OrderLine[];
}

/** payment → order (→ PAID). */
export interface PaymentSucceededV1 {
  paymentId: string;
  userId: string;
  amount: Money;
}

/** payment: informational (wallet credited after a cancellation). */
export interface PaymentRefundedV1 {
  paymentId: string;
  userId: string;
  amount: Money;
}

/** delivery → order: CREATED is informational; dispatch → SHIPPED; completion → DELIVERED. */
export interface DeliveryCreatedV1 {
  deliveryId: string;
  userId: string;
}
export interface DeliveryDispatchedV1 {
  deliveryId: string;
  userId: string;
  shippedAt: string;
}
export interface DeliveryCompletedV1 {
  deliveryId: string;
  userId: string;
  deliveredAt: string;
}
export interface DeliveryCancelledV1 {
  deliveryId: string;
  userId: string;
}

/** Event type → payload, for typed producers and handlers. */
export interface EventCatalogue {
  OrderPlaced: OrderPlacedV1;
  OrderStatusChanged: OrderStatusChangedV1;
  OrderPaid: OrderPaidV1;
  OrderCancelled: OrderCancelledV1;
  OrderShipped: OrderShippedV1;
  StockReserved: StockReservedV1;
  StockReservationFailed: StockReservationFailedV1;
  StockReleased: StockReleasedV1;
  StockSold: StockSoldV1;
  PaymentSucceeded: PaymentSucceededV1;
  PaymentRefunded: PaymentRefundedV1;
  DeliveryCreated: DeliveryCreatedV1;
  DeliveryDispatched: DeliveryDispatchedV1;
  DeliveryCompleted: DeliveryCompletedV1;
  DeliveryCancelled: DeliveryCancelledV1;
}

export type EventType = keyof EventCatalogue;

export type CatalogueEvent<TType extends EventType> = IntegrationEvent<TType, EventCatalogue[TType]>;

/** Narrows a received event to its catalogue payload (the handler map guarantees the type). */
export const payloadOf = <TType extends EventType>(
  event: IntegrationEvent,
  _type: TType,
): EventCatalogue[TType] => event.payload as EventCatalogue[TType];
