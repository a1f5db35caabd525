import type { EventResponse } from '@slotkeeper/contracts';
import type { BookedEvent } from './ledger.js';

/** The event as the contract shows it, instants in UTC: the body of EventBooked/EventCanceled. */
export function toEventMessage(event: BookedEvent): EventResponse {
  return {
    id: event.id,
    calendar_id: event.calendarId,
    title: event.title,
    start_time: event.start.toISOString(),
    end_time: event.end.toISOString(),
    booked_by: event.bookedBy,
    booker_name: event.bookerName,
    notes: event.notes,
    guests: event.guests,
    status: event.status,
    created_at: event.createdAt.toISOString(),
  };
}
