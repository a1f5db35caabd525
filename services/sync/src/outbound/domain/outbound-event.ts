import type { CalendarEvent } from '@slotkeeper/contracts';

/**
 * An event as the outbound half keeps it (its own projection of the booking service's Event*
 * messages): enough to write it to a CalDAV collection and to a calendar's feed.
 */
export interface OutboundEvent extends CalendarEvent {
  /** The event's version: 1 when booked, raised by each change; the newest one wins. */
  version: number;
  /** When the message of this version was published: the copies' DTSTAMP. */
  updatedAt: Date;
}

/** How far back a feed reaches: events that ended up to 30 days ago are still in it. */
export const FEED_PAST_DAYS = 30;

/**
 * The most events one feed holds, the earliest first. A calendar with more from 30 days ago on
 * gets its first 5,000: bounds the request's time and size (about 2 MB).
 */
export const MAX_FEED_EVENTS = 5_000;

/** Events ending at or after this instant are in the feed at `now`. */
export const feedStart = (now: Date): Date => new Date(now.getTime() - FEED_PAST_DAYS * 86_400_000);

/**
 * How long an event may last and still be found by start alone: a calendar's meeting length is at
 * most a day. A calendar without one takes any length its open hours allow (a week, when they run
 * day and night), so the stores remember, per calendar, the longest event beyond a day.
 */
export const DAY_MS = 86_400_000;

/**
 * The earliest start of an event ending at or after `endsFrom`, on a calendar whose longest event
 * beyond a day lasts `longestMs` (0: none): the feed reads events by start from here, so its cost
 * follows the events of the last days and ahead, not the calendar's whole history.
 */
export const earliestStart = (endsFrom: Date, longestMs: number): Date =>
  new Date(endsFrom.getTime() - Math.max(DAY_MS, longestMs));

/** How long the event lasts, when that is beyond a day (for `earliestStart`); 0 otherwise. */
export const lengthBeyondDay = (event: Pick<OutboundEvent, 'start' | 'end'>): number => {
  const length = event.end.getTime() - event.start.getTime();
  return length > DAY_MS ? length : 0;
};

/**
 * The rule both adapters apply: the highest version wins, so a repeated, late or reordered
 * message never brings back an older state. Returns the state to store, or null when the stored
 * one stands.
 */
export function mergeEvent(existing: OutboundEvent | undefined, incoming: OutboundEvent): OutboundEvent | null {
  return !existing || existing.version < incoming.version ? incoming : null;
}

/** The description our copies carry: who booked, the guests and the booker's notes. */
export function describeEvent(event: OutboundEvent): string {
  const booker = event.bookerName ? `${event.bookerName} <${event.bookedBy}>` : event.bookedBy;
  const lines = [`Booked by ${booker}`];
  if (event.guests.length > 0) lines.push(`Guests: ${event.guests.join(', ')}`);
  if (event.notes) lines.push('', event.notes);
  return lines.join('\n');
}
