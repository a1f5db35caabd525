import ical, { ICalAttendeeStatus, ICalCalendarMethod, ICalEventStatus } from 'ical-generator';
import { CHANGES, type Notification } from '../../domain/notification.js';

export interface Mailbox {
  name: string;
  email: string;
}

/**
 * The iCalendar invite of a notification: `UID` the event id and `ORGANIZER` the calendar's
 * owner in every mail of one event, so calendar clients keep one entry; `METHOD:REQUEST` while
 * it stands, `METHOD:CANCEL` with `STATUS:CANCELLED` when canceled, `SEQUENCE` raised by each
 * change. `fallbackOrganizer` (the sender) stands in when the owner is gone.
 */
export function inviteFor(
  notification: Notification,
  fallbackOrganizer: Mailbox,
): { method: 'REQUEST' | 'CANCEL'; content: string } {
  const { kind, event, attendees } = notification;
  const cancels = CHANGES[kind].cancels;
  const calendar = ical({ prodId: { company: 'slotkeeper', product: 'scheduling', language: 'EN' } });
  calendar.method(cancels ? ICalCalendarMethod.CANCEL : ICalCalendarMethod.REQUEST);
  calendar.createEvent({
    id: event.id,
    sequence: notification.sequence,
    status: cancels ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
    start: event.start,
    end: event.end,
    stamp: new Date(),
    summary: event.title,
    // Without the booker's own link: invites get forwarded and copied into shared calendars.
    url: notification.url,
    description: notification.description,
    organizer: notification.organizer ?? fallbackOrganizer,
    // The booker chose the time, so has accepted; guests are asked.
    attendees: attendees.map((email) =>
      email === event.bookedBy
        ? { email, name: event.bookerName, status: ICalAttendeeStatus.ACCEPTED }
        : { email, status: ICalAttendeeStatus.NEEDSACTION, rsvp: true },
    ),
  });
  return { method: cancels ? 'CANCEL' : 'REQUEST', content: calendar.toString() };
}
