import type { EntityManager } from '@mikro-orm/postgresql';
import type { IntegrationEvent } from './envelope';
import { OutboxMessage } from './outbox.entity';

/**
 * Adds an event to the outbox of the unit of work `em` belongs to: it commits with the state
 * change or not at all. The relay publishes it after commit (an insert trigger NOTIFYs it).
 */
export function enqueueEvent(em: EntityManager, topic: string, event: IntegrationEvent): OutboxMessage {
  const message = new OutboxMessage(event.eventId, topic, event.orderId, event.type, event);
  em.persist(message);
  return message;
}
