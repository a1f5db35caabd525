import ICAL from 'ical.js';

/** An event as we publish it: into an owner's CalDAV collection (write-back) or a calendar feed. */
export interface CalendarItem {
  /** The event id: the `UID`, stable across every change, so clients keep one entry. */
  id: string;
  /** Written as `X-SLOTKEEPER-CALENDAR`: our own copies are never read back as that calendar's busy time. */
  calendarId: string;
  start: Date;
  end: Date;
  status: 'confirmed' | 'canceled';
  /** The event's version (1 when booked, raised by each change): `SEQUENCE` is `version - 1`. */
  version: number;
  title: string;
  description?: string;
  organizer?: { name: string; email: string } | null;
  /** When the event last changed: the `DTSTAMP`, so the same state always gives the same text. */
  updatedAt: Date;
}

export const DEFAULT_PROD_ID = '-//Slotkeeper//Slotkeeper//EN';

/** The property that marks our own copies (see `CalendarItem.calendarId`). */
export const OWN_CALENDAR_PROPERTY = 'x-slotkeeper-calendar';

/** How often a feed asks its subscribers to look again. */
const FEED_REFRESH_MINUTES = 15;

/** RFC 5545 §3.1: a content line is at most 75 octets, not counting its CRLF. */
const MAX_LINE_OCTETS = 75;

/**
 * One event as an iCalendar object of its own (one VCALENDAR, one VEVENT), as a CalDAV `PUT`
 * stores it. No `ATTENDEE` and no `ORGANIZER` unless given: a server that sees both may send
 * invitations itself (CalDAV implicit scheduling), and the notification service already does.
 */
export function eventIcs(item: CalendarItem, options: { prodId?: string } = {}): string {
  const calendar = calendarComponent(options.prodId);
  calendar.addSubcomponent(veventOf(item));
  return serialize(calendar);
}

/** Options of a feed: its name in the subscriber's app. */
export interface FeedOptions {
  name: string;
  prodId?: string;
}

/**
 * A calendar's events as one subscribable feed (`METHOD:PUBLISH`), named `name` in the
 * subscriber's app; canceled events stay in it as `STATUS:CANCELLED`, so clients that kept a copy
 * drop it.
 */
export function feedIcs(items: readonly CalendarItem[], options: FeedOptions): string {
  const { head, tail } = feedFrame(options);
  return head + items.map((item) => serialize(veventOf(item))).join('') + tail;
}

/**
 * `feedIcs`, the same text, built `turnSize` events (200) at a time with `nextTurn` awaited
 * between: an event costs ical.js about 0.1 ms, so a feed of thousands would otherwise hold the
 * event loop for most of a second.
 */
export async function feedIcsInTurns(
  items: readonly CalendarItem[],
  options: FeedOptions & { nextTurn: () => Promise<void>; turnSize?: number },
): Promise<string> {
  const { head, tail } = feedFrame(options);
  const turnSize = options.turnSize ?? 200;
  const parts = [head];
  for (let from = 0; from < items.length; from += turnSize) {
    if (from > 0) await options.nextTurn();
    for (const item of items.slice(from, from + turnSize)) parts.push(serialize(veventOf(item)));
  }
  parts.push(tail);
  return parts.join('');
}

/** A feed's text around its events: the calendar's properties, and its END line. */
function feedFrame(options: FeedOptions): { head: string; tail: string } {
  const calendar = calendarComponent(options.prodId);
  calendar.updatePropertyWithValue('method', 'PUBLISH');
  // The name in the subscriber's app: RFC 7986's NAME and the de facto X-WR-CALNAME. ical.js
  // knows neither, so writes their values as given: escaped here as the TEXT they are.
  const name = escapeText(plainText(options.name));
  calendar.updatePropertyWithValue('name', name);
  calendar.updatePropertyWithValue('x-wr-calname', name);
  // How often subscribers should look again (RFC 7986, and the older clients' header).
  calendar.updatePropertyWithValue('refresh-interval', ICAL.Duration.fromString(`PT${FEED_REFRESH_MINUTES}M`));
  calendar.updatePropertyWithValue('x-published-ttl', `PT${FEED_REFRESH_MINUTES}M`);
  const text = serialize(calendar);
  const end = 'END:VCALENDAR\r\n';
  return { head: text.slice(0, -end.length), tail: end };
}

function calendarComponent(prodId = DEFAULT_PROD_ID): ICAL.Component {
  const calendar = new ICAL.Component('vcalendar');
  calendar.updatePropertyWithValue('prodid', prodId);
  calendar.updatePropertyWithValue('version', '2.0');
  calendar.updatePropertyWithValue('calscale', 'GREGORIAN');
  return calendar;
}

function veventOf(item: CalendarItem): ICAL.Component {
  const event = new ICAL.Component('vevent');
  event.updatePropertyWithValue('uid', item.id);
  event.updatePropertyWithValue('dtstamp', utc(item.updatedAt));
  event.updatePropertyWithValue('last-modified', utc(item.updatedAt));
  event.updatePropertyWithValue('dtstart', utc(item.start));
  event.updatePropertyWithValue('dtend', utc(item.end));
  event.updatePropertyWithValue('sequence', Math.max(0, item.version - 1));
  event.updatePropertyWithValue('status', item.status === 'canceled' ? 'CANCELLED' : 'CONFIRMED');
  event.updatePropertyWithValue('transp', 'OPAQUE');
  event.updatePropertyWithValue('summary', plainText(item.title));
  if (item.description) event.updatePropertyWithValue('description', plainText(item.description));
  if (item.organizer) {
    const organizer = event.addPropertyWithValue('organizer', `mailto:${item.organizer.email}`);
    organizer.setParameter('cn', oneLine(item.organizer.name));
  }
  event.updatePropertyWithValue(OWN_CALENDAR_PROPERTY, item.calendarId);
  return event;
}

/** A date-time in UTC (`…Z`): no VTIMEZONE needed, read the same by every client. */
const utc = (date: Date): ICAL.Time => ICAL.Time.fromJSDate(date, true);

/* eslint-disable no-control-regex -- the control characters are what these remove */
const CONTROLS_BUT_TAB_AND_LF = /[\u0000-\u0008\u000b-\u001f\u007f]/g;
const CONTROLS_AND_SPACES = /[\u0000-\u001f\u007f\s]+/g;
/* eslint-enable no-control-regex */

/**
 * TEXT without what RFC 5545 forbids in it: every line break becomes LF (ical.js escapes it as
 * `\n`; a bare CR would end the content line), other control characters go.
 */
const plainText = (text: string): string => text.replace(/\r\n?/g, '\n').replace(CONTROLS_BUT_TAB_AND_LF, '');

/** TEXT escaped (RFC 5545 §3.3.11), for properties ical.js does not know to be TEXT. */
const escapeText = (text: string): string => text.replace(/[\\;,]/g, '\\$&').replace(/\n/g, '\\n');

/**
 * A parameter value: no line breaks, and `'` for `"`, which a parameter can carry only in RFC
 * 6868's form, which not every client reads.
 */
const oneLine = (text: string): string => text.replace(/"/g, "'").replace(CONTROLS_AND_SPACES, ' ').trim();

/**
 * The component's text, CRLF after every line (the last included), folded at 75 octets.
 * ical.js's own folding puts 75 octets after the continuation's leading space, a line of 76, so
 * its folds are undone and the lines folded again here.
 */
function serialize(component: ICAL.Component): string {
  const unfolded = component.toString().replace(/\r\n[ \t]/g, '');
  return unfolded.split('\r\n').map(fold).join('');
}

/** One content line folded (RFC 5545 §3.1) at code point boundaries, never inside a UTF-8 sequence. */
function fold(line: string): string {
  // Most lines are short: measured natively, they go as they are.
  if (line.length <= MAX_LINE_OCTETS && Buffer.byteLength(line, 'utf8') <= MAX_LINE_OCTETS) return `${line}\r\n`;
  let out = '';
  let octets = 0;
  for (const char of line) {
    const size = utf8Length(char.codePointAt(0)!);
    if (octets + size > MAX_LINE_OCTETS) {
      out += '\r\n ';
      octets = 1;
    }
    out += char;
    octets += size;
  }
  return `${out}\r\n`;
}

const utf8Length = (codePoint: number): number =>
  codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
