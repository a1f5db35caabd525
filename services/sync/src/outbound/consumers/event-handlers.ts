import { eventFromWire, type Envelope, type EventResponse, type MessageData } from '@slotkeeper/contracts';
import type { OutboundDeps } from '../deps.js';
import type { OutboundEvent } from '../domain/outbound-event.js';

type EventHandler<T extends 'EventBooked' | 'EventCanceled' | 'EventRescheduled'> = (
  data: MessageData<T>,
  message?: Envelope,
) => Promise<void>;

/**
 * The booking service's event messages, for `subscribeByType`: each keeps the projection (the
 * newest version wins, so repeated, late or reordered messages change nothing) and records a
 * write-back job per target of the calendar, then returns. It never calls a CalDAV server: the
 * worker does, later (see `WriteBackWorker`).
 */
export function outboundHandlers(deps: OutboundDeps): {
  EventBooked: EventHandler<'EventBooked'>;
  EventCanceled: EventHandler<'EventCanceled'>;
  EventRescheduled: EventHandler<'EventRescheduled'>;
} {
  const apply = async (data: EventResponse & { version: number }, message?: Envelope): Promise<void> => {
    const now = deps.clock.now();
    const event: OutboundEvent = {
      ...eventFromWire(data, (at) => new Date(at)),
      version: data.version,
      updatedAt: message ? new Date(message.occurred_at) : now,
    };
    await deps.store.applyEvent(event);
    // Recorded whether or not this message was news to the projection: a redelivery after a
    // crash between the two writes still records the job; the job store keeps the newest version.
    // Which targets needs no secret: one whose secrets will not open gets its job, which waits.
    for (const sourceId of await deps.targets.sourceIdsFor(event.calendarId)) {
      await deps.store.recordWrite(
        { sourceId, calendarId: event.calendarId, eventId: event.id, version: event.version },
        now,
      );
    }
  };
  return { EventBooked: apply, EventCanceled: apply, EventRescheduled: apply };
}
