import type { EventResponse } from '@slotkeeper/contracts';
import { subscribeByType, type MessageBus } from '@slotkeeper/messaging';
import type { CalendarRepository, ProjectedEvent } from '../domain/calendar.js';

export const CALENDAR_QUEUE = 'calendar';

/** An EventBooked's or EventCanceled's data (the event as it now is) in the domain's terms. */
const toProjectedEvent = (event: EventResponse): ProjectedEvent => ({
  id: event.id,
  calendarId: event.calendar_id,
  title: event.title,
  startTime: new Date(event.start_time),
  endTime: new Date(event.end_time),
  bookedBy: event.booked_by,
  bookerName: event.booker_name,
  notes: event.notes,
  guests: event.guests,
  status: event.status,
  createdAt: new Date(event.created_at),
});

/** Keeps the events of each calendar's detail from EventBooked/EventCanceled, each read by its own schema. */
export async function consumeEvents(
  bus: MessageBus,
  calendars: CalendarRepository,
  queue = CALENDAR_QUEUE,
): Promise<void> {
  // Both carry the event as it now is; the projection keeps canceled as final, whatever the order.
  const apply = (event: EventResponse) => calendars.applyEvent(toProjectedEvent(event));
  await subscribeByType(bus, queue, { EventBooked: apply, EventCanceled: apply });
}
