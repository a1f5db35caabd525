import { eventFromWire, type EventResponse } from '@slotkeeper/contracts';
import { subscribeByType, type MessageBus } from '@slotkeeper/messaging';
import type { CalendarRepository } from '../domain/calendar.js';

export const CALENDAR_QUEUE = 'calendar';

/** Keeps the events of each calendar's detail from EventBooked/EventCanceled, each read by its own schema. */
export async function consumeEvents(
  bus: MessageBus,
  calendars: CalendarRepository,
  queue = CALENDAR_QUEUE,
): Promise<void> {
  // Both carry the event as it now is; the projection keeps canceled as final, whatever the order.
  const apply = (event: EventResponse) => calendars.applyEvent(eventFromWire(event, (at) => new Date(at)));
  await subscribeByType(bus, queue, { EventBooked: apply, EventCanceled: apply });
}
