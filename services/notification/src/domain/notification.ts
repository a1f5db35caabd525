import type { CalendarEvent } from '@slotkeeper/contracts';

/**
 * The changes people are told of, and how each reads. `repeats`: the change can happen again to
 * one event (each reschedule), so each of its mails is told apart by the version it brought.
 */
export const CHANGES = {
  booked: { verb: 'Booked', cancels: false, repeats: false },
  rescheduled: { verb: 'Rescheduled', cancels: false, repeats: true },
  canceled: { verb: 'Canceled', cancels: true, repeats: false },
} as const satisfies Record<string, { verb: string; cancels: boolean; repeats: boolean }>;

export type ChangeKind = keyof typeof CHANGES;

/** A meeting's time. */
export interface Interval {
  start: Date;
  end: Date;
}

/**
 * One change of an event, at the `version` it brought the event to (1 when booked, raised by
 * each reschedule and by the cancellation). A reschedule carries the times it moved from.
 */
export type Change =
  | { kind: 'booked' | 'canceled'; event: CalendarEvent; version: number }
  | { kind: 'rescheduled'; event: CalendarEvent; version: number; previous: Interval };

/** The calendar's owner, as the user service knows them. */
export interface Owner {
  name: string;
  email: string;
  timezone: string;
}

/** One mail about one change. */
export interface Notification {
  kind: ChangeKind;
  /** The booker and the guests get one mail together; the calendar's owner gets their own. */
  audience: 'attendees' | 'owner';
  to: string[];
  subject: string;
  text: string;
  event: CalendarEvent;
  /** The invite's ORGANIZER: the calendar's owner; null when the calendar or its owner is gone. */
  organizer: { name: string; email: string } | null;
  /** The invite's ATTENDEEs: the booker first, then the guests, each address once. */
  attendees: string[];
  /** The event's version after this change (1 when booked, raised by every later change). */
  version: number;
  /** The invite's SEQUENCE: the version − 1, so 0 for the booking and higher for every later change. */
  sequence: number;
  /** The booking's page (without the cancel token, which no message carries). */
  url: string;
}

/**
 * SEQUENCE of a change's invite: the event's version − 1, so 0 for the booking and one higher for
 * each later change; a calendar client that already holds a higher one ignores a late invite.
 */
export function sequenceOf({ version }: Change): number {
  return Math.max(0, version - 1);
}

/**
 * The mails of one change: one to the booker and the guests, and one to the calendar's owner
 * (each address gets one mail: an owner who booked, or is a guest, gets the owner's).
 */
export function notificationsFor(change: Change, owner: Owner | null, url: string): Notification[] {
  const { kind, event, version } = change;
  const attendees = [...new Set([event.bookedBy, ...event.guests])];
  const common = {
    kind,
    event,
    organizer: owner && { name: owner.name, email: owner.email },
    attendees,
    version,
    sequence: sequenceOf(change),
    url,
  };
  const verb = CHANGES[kind].verb;
  const mails: Notification[] = [];
  const toAttendees = attendees.filter((address) => address !== owner?.email);
  if (toAttendees.length > 0) {
    mails.push({
      ...common,
      audience: 'attendees',
      to: toAttendees,
      subject: `${verb}: ${event.title}`,
      text: [
        `${verb}: "${event.title}"${owner ? ` with ${owner.name}` : ''}.`,
        // The booker's zone is not known: their mail reads UTC, and says so.
        ...times(change, 'UTC'),
        ...participants(event),
        '',
        `The booking's page: ${url}`,
        ...(CHANGES[kind].cancels
          ? []
          : [`${event.bookedBy} can reschedule or cancel it there with the link from their booking confirmation.`]),
      ].join('\n'),
    });
  }
  if (owner) {
    mails.push({
      ...common,
      audience: 'owner',
      to: [owner.email],
      subject: `${verb}: ${event.title} (${event.bookedBy})`,
      text: [
        `${verb} on your calendar: "${event.title}".`,
        ...times(change, owner.timezone),
        ...participants(event),
        '',
        `The booking's page: ${url}`,
      ].join('\n'),
    });
  }
  return mails;
}

/** When the meeting is, and for a reschedule when it was: on one zone's wall clock. */
function times(change: Change, zone: string): string[] {
  if (change.kind !== 'rescheduled') return [`When: ${when(change.event, zone)}`];
  return [`Now: ${when(change.event, zone)}`, `Was: ${when(change.previous, zone)}`];
}

function participants(event: CalendarEvent): string[] {
  const name = event.bookerName;
  return [
    `Booked by: ${name ? `${name} <${event.bookedBy}>` : event.bookedBy}`,
    ...(event.guests.length > 0 ? [`Guests: ${event.guests.join(', ')}`] : []),
  ];
}

const formats = new Map<string, { day: Intl.DateTimeFormat; time: Intl.DateTimeFormat }>();

function formatsOf(zone: string) {
  let format = formats.get(zone);
  if (!format) {
    format = {
      day: new Intl.DateTimeFormat('en-GB', { timeZone: zone, dateStyle: 'full' }),
      time: new Intl.DateTimeFormat('en-GB', { timeZone: zone, timeStyle: 'short', hourCycle: 'h23' }),
    };
    if (formats.size < 1_000) formats.set(zone, format);
  }
  return format;
}

/** "Monday 24 June 2030, 09:00–09:30 (Europe/Berlin)": the meeting on one zone's wall clock. */
function when({ start, end }: Interval, zone: string): string {
  let format;
  try {
    format = formatsOf(zone);
  } catch {
    // A zone this runtime does not know: UTC, and the text says so.
    return when({ start, end }, 'UTC');
  }
  const [startDay, endDay] = [format.day.format(start), format.day.format(end)];
  const until = endDay === startDay ? format.time.format(end) : `${endDay}, ${format.time.format(end)}`;
  return `${startDay}, ${format.time.format(start)}–${until} (${zone})`;
}
