import ical, { ICalCalendarMethod, ICalEventStatus } from 'ical-generator';
import type { Notification } from '../../domain/notification.js';

/**
 * The iCalendar invite of a notification: `METHOD:REQUEST` when booked, `METHOD:CANCEL` with the
 * same UID and a higher SEQUENCE when canceled, so calendar clients update the same entry.
 */
export function inviteFor({ kind, event }: Notification): { method: 'REQUEST' | 'CANCEL'; content: string } {
  const booked = kind === 'booked';
  const calendar = ical({ prodId: { company: 'slotkeeper', product: 'scheduling', language: 'EN' } });
  calendar.method(booked ? ICalCalendarMethod.REQUEST : ICalCalendarMethod.CANCEL);
  calendar.createEvent({
    id: `${event.id}@slotkeeper`,
    sequence: booked ? 0 : 1,
    status: booked ? ICalEventStatus.CONFIRMED : ICalEventStatus.CANCELLED,
    start: new Date(event.start_time),
    end: new Date(event.end_time),
    stamp: new Date(event.created_at),
    summary: event.title,
    organizer: { name: event.booked_by, email: event.booked_by },
    attendees: event.guests.map((email) => ({ email, rsvp: true })),
  });
  return { method: booked ? 'REQUEST' : 'CANCEL', content: calendar.toString() };
}
