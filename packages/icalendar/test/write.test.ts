import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';
import { eventIcs, feedIcs, feedIcsInTurns, type CalendarItem } from '../src/write.js';

const item = (overrides: Partial<CalendarItem> = {}): CalendarItem => ({
  id: '65f1c0ffee0000000000abcd',
  calendarId: '65f1ca1e0000000000000001',
  start: new Date('2030-06-24T09:00:00.000Z'),
  end: new Date('2030-06-24T09:30:00.000Z'),
  status: 'confirmed',
  version: 1,
  title: 'Intro call',
  updatedAt: new Date('2030-06-01T12:00:00.000Z'),
  ...overrides,
});

const parse = (text: string) => new ICAL.Component(ICAL.parse(text));
const onlyEvent = (text: string) => {
  const events = parse(text).getAllSubcomponents('vevent');
  expect(events).toHaveLength(1);
  return events[0]!;
};
const time = (event: ICAL.Component, name: string) => {
  const value = event.getFirstPropertyValue(name) as ICAL.Time;
  expect(value.zone).toBe(ICAL.Timezone.utcTimezone);
  return new Date(value.toUnixTime() * 1000);
};
/** The physical lines, without their CRLFs (the text ends with one). */
const linesOf = (text: string) => {
  expect(text.endsWith('\r\n')).toBe(true);
  return text.slice(0, -2).split('\r\n');
};
/** RFC 5545 TEXT unescaped, for the properties ical.js hands back as written. */
const unescapeText = (text: string) =>
  text.replace(/\\([\\;,nN])/g, (_, c: string) => (c.toLowerCase() === 'n' ? '\n' : c));

describe('eventIcs', () => {
  it('when an event is written, then one VCALENDAR holds one VEVENT whose every field parses back', () => {
    const text = eventIcs(
      item({
        version: 3,
        description: 'Booked by Ann',
        organizer: { name: 'Olga Owner', email: 'olga@example.com' },
      }),
      { prodId: '-//Test//Test//EN' },
    );
    const root = parse(text);
    expect(root.name).toBe('vcalendar');
    expect(root.getFirstPropertyValue('version')).toBe('2.0');
    expect(root.getFirstPropertyValue('prodid')).toBe('-//Test//Test//EN');
    expect(root.getFirstPropertyValue('method')).toBeNull();
    const event = onlyEvent(text);
    expect(event.getFirstPropertyValue('uid')).toBe('65f1c0ffee0000000000abcd');
    expect(time(event, 'dtstart')).toEqual(new Date('2030-06-24T09:00:00.000Z'));
    expect(time(event, 'dtend')).toEqual(new Date('2030-06-24T09:30:00.000Z'));
    expect(time(event, 'dtstamp')).toEqual(new Date('2030-06-01T12:00:00.000Z'));
    expect(event.getFirstPropertyValue('sequence')).toBe(2);
    expect(event.getFirstPropertyValue('status')).toBe('CONFIRMED');
    expect(event.getFirstPropertyValue('transp')).toBe('OPAQUE');
    expect(event.getFirstPropertyValue('summary')).toBe('Intro call');
    expect(event.getFirstPropertyValue('description')).toBe('Booked by Ann');
    const organizer = event.getFirstProperty('organizer')!;
    expect(organizer.getFirstValue()).toBe('mailto:olga@example.com');
    expect(organizer.getParameter('cn')).toBe('Olga Owner');
    expect(event.getFirstPropertyValue('x-slotkeeper-calendar')).toBe('65f1ca1e0000000000000001');
    expect(new ICAL.Event(event).isRecurring()).toBe(false);
  });

  it('when an event has no description nor organizer, then neither property is written, and no attendee ever', () => {
    const event = onlyEvent(eventIcs(item(), {}));
    expect(event.hasProperty('description')).toBe(false);
    expect(event.hasProperty('organizer')).toBe(false);
    expect(event.hasProperty('attendee')).toBe(false);
    expect(event.getFirstPropertyValue('sequence')).toBe(0);
  });

  it('when a title or notes hold , ; \\ and line breaks, then they are escaped and read back as given', () => {
    const title = 'Plan; budget, Q3 \\ Q4';
    const description = 'First line, with a comma\r\nSecond; line\nThird \\ end\rFourth';
    const text = eventIcs(item({ title, description }), {});
    expect(text).toContain('SUMMARY:Plan\\; budget\\, Q3 \\\\ Q4\r\n');
    const event = onlyEvent(text);
    expect(event.getFirstPropertyValue('summary')).toBe(title);
    // Every line break becomes one LF: a bare CR would end the content line.
    expect(event.getFirstPropertyValue('description')).toBe(
      'First line, with a comma\nSecond; line\nThird \\ end\nFourth',
    );
  });

  it('when control characters slip into a title, then they are dropped rather than breaking the line', () => {
    const event = onlyEvent(eventIcs(item({ title: 'A\u0000B\u0007C\tD' }), {}));
    expect(event.getFirstPropertyValue('summary')).toBe('ABC\tD');
  });

  it('when an organizer name holds quotes and line breaks, then the CN parameter still parses', () => {
    const text = eventIcs(item({ organizer: { name: 'Olga "O"\r\nOwner', email: 'olga@example.com' } }), {});
    const organizer = onlyEvent(text).getFirstProperty('organizer')!;
    expect(organizer.getParameter('cn')).toBe("Olga 'O' Owner");
  });

  it('when a canceled event is written, then it carries STATUS:CANCELLED and its raised SEQUENCE', () => {
    const event = onlyEvent(eventIcs(item({ status: 'canceled', version: 4 }), {}));
    expect(event.getFirstPropertyValue('status')).toBe('CANCELLED');
    expect(event.getFirstPropertyValue('sequence')).toBe(3);
  });

  it('when the same state is written twice, then the text is the same (DTSTAMP is the last change, not now)', () => {
    expect(eventIcs(item(), {})).toBe(eventIcs(item(), {}));
  });

  it('when a line is long and multi-byte, then it is folded within 75 octets between code points, with CRLF everywhere', () => {
    // 2-, 3- and 4-byte characters (one of them a surrogate pair in UTF-16), long enough for several folds.
    const title = 'Réunion 東京 — 会議 😀 Ærøskøbing '.repeat(8).trim();
    const text = eventIcs(item({ title, description: 'ü'.repeat(200) }), {});
    const lines = linesOf(text);
    expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    const folded = lines.filter((line) => line.startsWith(' '));
    expect(folded.length).toBeGreaterThan(4);
    for (const line of lines) {
      expect(Buffer.byteLength(line, 'utf8')).toBeLessThanOrEqual(75);
      // A fold inside a UTF-8 sequence would leave a lone surrogate or U+FFFD after a round trip.
      expect(Buffer.from(line, 'utf8').toString('utf8')).toBe(line);
      expect(line).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
    }
    // The lines are used up to the limit, not folded early.
    expect(Math.max(...lines.map((line) => Buffer.byteLength(line, 'utf8')))).toBeGreaterThanOrEqual(72);
    const event = onlyEvent(text);
    expect(event.getFirstPropertyValue('summary')).toBe(title);
    expect(event.getFirstPropertyValue('description')).toBe('ü'.repeat(200));
  });
});

describe('feedIcs', () => {
  const booked = item({ id: 'aaaaaaaaaaaaaaaaaaaaaaaa', version: 1 });
  const moved = item({
    id: 'bbbbbbbbbbbbbbbbbbbbbbbb',
    version: 2,
    start: new Date('2030-06-25T10:00:00.000Z'),
    end: new Date('2030-06-25T11:00:00.000Z'),
  });
  const canceled = item({ id: 'cccccccccccccccccccccccc', version: 3, status: 'canceled' });

  it('when a calendar is published, then it is METHOD:PUBLISH with one VEVENT per event, named after the calendar', () => {
    const text = feedIcs([booked, moved, canceled], { name: 'Consulting' });
    const root = parse(text);
    expect(root.getFirstPropertyValue('method')).toBe('PUBLISH');
    expect(root.getFirstPropertyValue('x-wr-calname')).toBe('Consulting');
    expect(root.getFirstPropertyValue('name')).toBe('Consulting');
    expect(root.getFirstProperty('refresh-interval')!.toICALString()).toBe('REFRESH-INTERVAL;VALUE=DURATION:PT15M');
    const events = root.getAllSubcomponents('vevent');
    expect(events.map((e) => e.getFirstPropertyValue('uid'))).toEqual([booked.id, moved.id, canceled.id]);
    expect(events.map((e) => e.getFirstPropertyValue('sequence'))).toEqual([0, 1, 2]);
    expect(events.map((e) => e.getFirstPropertyValue('status'))).toEqual(['CONFIRMED', 'CONFIRMED', 'CANCELLED']);
    expect(time(events[1]!, 'dtstart')).toEqual(moved.start);
    expect(time(events[1]!, 'dtend')).toEqual(moved.end);
    expect(events.every((e) => e.getFirstPropertyValue('x-slotkeeper-calendar') === booked.calendarId)).toBe(true);
    expect(linesOf(text).every((line) => Buffer.byteLength(line, 'utf8') <= 75)).toBe(true);
  });

  it('when a calendar has no events, then the feed is still a valid, empty calendar', () => {
    const root = parse(feedIcs([], { name: 'Empty' }));
    expect(root.getAllSubcomponents('vevent')).toEqual([]);
    expect(root.getFirstPropertyValue('x-wr-calname')).toBe('Empty');
  });

  it('when the calendar name holds , ; \\, a line break and multi-byte letters, then it is escaped TEXT and folded', () => {
    const name = 'Työ, kalenteri; A\\B\nrivi 2 — ' + 'ä'.repeat(40);
    const text = feedIcs([booked], { name });
    const root = parse(text);
    // ical.js knows neither property's type, so hands the escaped text back as written.
    expect(unescapeText(root.getFirstPropertyValue('x-wr-calname') as string)).toBe(name);
    expect(unescapeText(root.getFirstPropertyValue('name') as string)).toBe(name);
    expect(linesOf(text).some((line) => line.startsWith(' '))).toBe(true);
    expect(linesOf(text).every((line) => Buffer.byteLength(line, 'utf8') <= 75)).toBe(true);
  });

  it('when built in turns, then the text is the same, and the turns are taken between chunks of events', async () => {
    const items = Array.from({ length: 7 }, (_, n) =>
      item({ id: n.toString(16).padStart(24, '0'), version: n + 1, status: n % 3 ? 'confirmed' : 'canceled' }),
    );
    let turns = 0;
    const text = await feedIcsInTurns(items, {
      name: 'Consulting',
      turnSize: 3,
      nextTurn: async () => void turns++,
    });
    expect(text).toBe(feedIcs(items, { name: 'Consulting' }));
    expect(turns).toBe(2);
    expect(await feedIcsInTurns([], { name: 'Empty', nextTurn: async () => void turns++ })).toBe(
      feedIcs([], { name: 'Empty' }),
    );
    expect(turns).toBe(2);
  });
});
