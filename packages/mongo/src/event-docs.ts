import {
  eventFromWire,
  eventToWire,
  type CalendarEvent,
  type WireEvent,
  type WireEventInput,
} from '@slotkeeper/contracts';

/**
 * An event as the booking service's events and the calendar service's projection store it: the
 * contract's fields, instants as Dates, the event's id as `_id` (see `eventPaths`).
 */
export type EventDoc = { _id: string } & Omit<WireEvent<Date>, 'id'>;

const asIs = (date: Date) => date;

export function toEventDoc(event: CalendarEvent): EventDoc {
  const { id, ...fields } = eventToWire(event, asIs);
  return { _id: id, ...fields };
}

export const fromEventDoc = (doc: { _id: string } & Omit<WireEventInput<Date>, 'id'>): CalendarEvent =>
  eventFromWire({ ...doc, id: doc._id }, asIs);
