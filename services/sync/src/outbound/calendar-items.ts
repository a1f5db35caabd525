import type { CalendarItem } from '@slotkeeper/icalendar';
import { describeEvent, type OutboundEvent } from './domain/outbound-event.js';

/** An event as its iCalendar copies show it, in the write-back collection and in the feed alike. */
export const calendarItemOf = (event: OutboundEvent): CalendarItem => ({
  id: event.id,
  calendarId: event.calendarId,
  start: event.start,
  end: event.end,
  status: event.status,
  version: event.version,
  title: event.title,
  description: describeEvent(event),
  updatedAt: event.updatedAt,
});
