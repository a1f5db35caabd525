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
export type Change = (
  | { kind: 'booked' | 'canceled'; event: CalendarEvent; version: number }
  | { kind: 'rescheduled'; event: CalendarEvent; version: number; previous: Interval }
) & {
  /**
   * The nonce the booker's cancel token is derived from, as the message carries it (not a secret
   * without the services' key); absent from messages published before it was added.
   */
  tokenNonce?: string | undefined;
};

/** The calendar's owner, as the user service knows them. */
export interface Owner {
  name: string;
  email: string;
  timezone: string;
}

/** Who one mail is for: the booker, the guests together, or the calendar's owner. */
export type Audience = 'booker' | 'guests' | 'owner';

/** One mail about one change. */
export interface Notification {
  kind: ChangeKind;
  /**
   * The booker gets a mail of their own (with their link to reschedule or cancel), the guests one
   * together (without it: a guest must not cancel the booker's meeting), the owner their own.
   */
  audience: Audience;
  to: string[];
  subject: string;
  /** The mail's text. The booker's may hold their cancel token: never log it. */
  text: string;
  /** The invite's DESCRIPTION: the text without the booker's own link (invites get forwarded). */
  description: string;
  event: CalendarEvent;
  /** The invite's ORGANIZER: the calendar's owner; null when the calendar or its owner is gone. */
  organizer: { name: string; email: string } | null;
  /** The invite's ATTENDEEs: the booker first, then the guests, each address once. */
  attendees: string[];
  /** The event's version after this change (1 when booked, raised by every later change). */
  version: number;
  /** The invite's SEQUENCE: the version − 1, so 0 for the booking and higher for every later change. */
  sequence: number;
  /** The booking's page, without any token: the invite's URL and every mail but the booker's. */
  url: string;
}

/** Where the mails of one change link to. */
export interface ChangeLinks {
  /** The booking's page, without any token. */
  page: string;
  /**
   * The booker's page of the booking with their cancel token in the fragment; null when the
   * message did not carry the token's nonce (then the booker's mail links to the page as it is).
   */
  manage: string | null;
}

/**
 * SEQUENCE of a change's invite: the event's version − 1, so 0 for the booking and one higher for
 * each later change; a calendar client that already holds a higher one ignores a late invite.
 */
export function sequenceOf({ version }: Change): number {
  return Math.max(0, version - 1);
}

/**
 * The mails of one change: one to the booker, one to the guests and one to the calendar's owner
 * (each address gets one mail: an owner who booked, or is a guest, gets the owner's). Only the
 * booker's carries their link to reschedule or cancel, and only in its text, never the invite.
 */
export function notificationsFor(change: Change, owner: Owner | null, links: ChangeLinks): Notification[] {
  const { kind, event, version } = change;
  const attendees = [...new Set([event.bookedBy, ...event.guests])];
  const url = links.page;
  const common = {
    kind,
    event,
    organizer: owner && { name: owner.name, email: owner.email },
    attendees,
    version,
    sequence: sequenceOf(change),
    url,
  };
  const { verb, cancels } = CHANGES[kind];
  const page = `The booking's page: ${url}`;
  // The booker's and guests' zones are not known: their mails read UTC, and say so.
  const told = [
    `${verb}: "${event.title}"${owner ? ` with ${owner.name}` : ''}.`,
    ...times(change, 'UTC'),
    ...participants(event),
    '',
  ];
  const mails: Notification[] = [];
  const mail = (audience: Audience, to: string[], subject: string, text: string[], description = text) =>
    mails.push({ ...common, audience, to, subject, text: text.join('\n'), description: description.join('\n') });
  if (event.bookedBy !== owner?.email) {
    mail(
      'booker',
      [event.bookedBy],
      `${verb}: ${event.title}`,
      [...told, ...bookersLink(cancels, links)],
      [...told, page],
    );
  }
  const guests = attendees.filter((address) => address !== event.bookedBy && address !== owner?.email);
  if (guests.length > 0) {
    const onlyTheBooker = cancels ? [] : [`Only ${event.bookedBy}, who booked it, can reschedule or cancel it.`];
    mail('guests', guests, `${verb}: ${event.title}`, [...told, page, ...onlyTheBooker]);
  }
  if (owner) {
    mail('owner', [owner.email], `${verb}: ${event.title} (${event.bookedBy})`, [
      `${verb} on your calendar: "${event.title}".`,
      ...times(change, owner.timezone),
      ...participants(event),
      '',
      page,
    ]);
  }
  return mails;
}

/**
 * How the booker's mail lets them act: their own link to reschedule or cancel, when the message
 * carried the token's nonce; the page otherwise; the page alone once the meeting is canceled.
 */
function bookersLink(cancels: boolean, { page, manage }: ChangeLinks): string[] {
  const pageLine = `The booking's page: ${page}`;
  if (cancels) return [pageLine];
  if (!manage) return [pageLine, 'Reschedule or cancel it there with the link from your booking confirmation.'];
  return [
    `Reschedule or cancel: ${manage}`,
    'This link is yours alone: whoever has it can reschedule or cancel the meeting.',
  ];
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
