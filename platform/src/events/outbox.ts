import type { EntityManager } from '@mikro-orm/postgresql';
import { activeTraceContext } from '../telemetry/trace-context';
import type { IntegrationEvent } from './envelope';
import { OutboxMessage } from './outbox.entity';

/**
 * Adds an event to the outbox of the unit of work `em` belongs to: it commits with the state
 * change or not at all. The relay publishes it after commit (an insert trigger NOTIFYs it). The
 * active trace context goes with the row, so the saga's later steps join the operation's trace.
 */
export function enqueueEvent(em: EntityManager, topic: string, event: IntegrationEvent): OutboxMessage {
  const message = new OutboxMessage(event.eventId, topic, event.orderId, event.type, event);
  Object.assign(message, activeTraceContext());
  em.persist(message);
  return message;
}
