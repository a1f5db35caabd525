import { createEnvelope, type Envelope } from '@slotkeeper/contracts';
import type { BookedEvent, EventChange } from '../domain/ledger.js';

/** The event as the contract shows it, instants in UTC, with the status its message type names. */
const eventData = <S extends BookedEvent['status']>(event: BookedEvent, status: S) => ({
  id: event.id,
  calendar_id: event.calendarId,
  title: event.title,
  start_time: event.start.toISOString(),
  end_time: event.end.toISOString(),
  booked_by: event.bookedBy,
  booker_name: event.bookerName,
  notes: event.notes,
  guests: event.guests,
  status,
  created_at: event.createdAt.toISOString(),
});

/** The message a change announces, as both stores write it to their outbox. */
export const toEventMessage = ({ kind, event, occurredAt }: EventChange): Envelope =>
  kind === 'booked'
    ? createEnvelope('EventBooked', eventData(event, 'confirmed'), occurredAt)
    : createEnvelope('EventCanceled', eventData(event, 'canceled'), occurredAt);
