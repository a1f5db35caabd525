/**
 * The source reader against a stand-in client: the window a CalDAV calendar-query asks for, and a
 * read that stops at its deadline (its signal) between requests and between expansion turns.
 */
import type { OutboundClient, OutboundRequest, OutboundResponse } from '@slotkeeper/outbound-http';
import { describe, expect, it } from 'vitest';
import { CalendarSourceReader } from '../src/adapters/source-reader.js';
import { SourceReadFailed, type ReadRequest } from '../src/domain/busy-source.js';
import { busyWindow } from '../src/domain/sync-source.js';

const DAY = 86_400_000;
const COLLECTION = 'https://dav.example.com/cal/work/';
const MULTISTATUS = (inner: string) =>
  `<?xml version="1.0" encoding="utf-8"?><D:multistatus xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav" xmlns:CS="http://calendarserver.org/ns/">${inner}</D:multistatus>`;
const COLLECTION_PROPS = MULTISTATUS(
  '<D:response><D:href>/cal/work/</D:href><D:propstat><D:prop>' +
    '<D:resourcetype><D:collection/><C:calendar/></D:resourcetype><CS:getctag>c1</CS:getctag>' +
    '</D:prop><D:status>HTTP/1.1 200 OK</D:status></D:propstat></D:response>',
);

/** Answers each request with `answer`; every request is kept. */
function standIn(answer: (request: OutboundRequest) => Partial<OutboundResponse> & { statusCode: number }) {
  const sent: OutboundRequest[] = [];
  const client: OutboundClient = {
    request: async (url, request = {}) => {
      sent.push(request);
      return { headers: {}, body: '', url, ...answer(request) };
    },
    close: async () => {},
  };
  return { client, sent };
}

const window = busyWindow(new Date('2030-06-15T12:00:00.000Z'), 30);
const requestOf = (more: Partial<ReadRequest>): ReadRequest => ({
  kind: 'caldav',
  url: COLLECTION,
  credentials: null,
  prior: {},
  window,
  ownerZone: 'UTC',
  calendarId: 'cccccccccccccccccccccccc',
  storedObjects: async () => [],
  ...more,
});
const stamp = (ms: number) =>
  new Date(ms)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');

describe('a CalDAV read', () => {
  it('asks for the window widened by one day on each side, once (the calendar-query widens it, not the reader)', async () => {
    const { client, sent } = standIn(({ method }) =>
      method === 'PROPFIND' ? { statusCode: 207, body: COLLECTION_PROPS } : { statusCode: 207, body: MULTISTATUS('') },
    );

    await new CalendarSourceReader(client).read(requestOf({}));

    const query = sent.find((r) => r.method === 'REPORT')!;
    const range = /time-range start="(\w+)" end="(\w+)"/.exec(String(query.body));
    expect(range?.slice(1)).toEqual([stamp(window.start - DAY), stamp(window.end + DAY)]);
  });
});

describe('a read past its deadline', () => {
  /** A daily series over the whole window, and many single events: work enough for several turns. */
  const heavy = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Slotkeeper tests//EN',
    ...Array.from({ length: 3_000 }, (_, n) => [
      'BEGIN:VEVENT',
      `UID:event-${n}@tests.example`,
      'DTSTAMP:20300601T000000Z',
      `DTSTART:${stamp(window.start + n * 3_600_000)}`,
      `DTEND:${stamp(window.start + n * 3_600_000 + 1_800_000)}`,
      'RRULE:FREQ=DAILY;COUNT=20',
      'END:VEVENT',
    ]).flat(),
    'END:VCALENDAR',
    '',
  ].join('\r\n');

  it('when the deadline passes during expansion, then it stops at the next turn with the deadline’s reason', async () => {
    const deadline = new AbortController();
    const reason = new SourceReadFailed('the source took too long to read');
    const { client } = standIn(() => {
      // The deadline passes once the answer is in, while the text is being expanded.
      setImmediate(() => deadline.abort(reason));
      return { statusCode: 200, headers: { 'content-type': 'text/calendar' }, body: heavy };
    });

    const read = new CalendarSourceReader(client).read(
      requestOf({ kind: 'ics', url: 'https://example.com/a.ics', signal: deadline.signal }),
    );

    await expect(read).rejects.toBe(reason);
  });

  it('when the deadline has passed, then no further request is sent', async () => {
    const deadline = new AbortController();
    deadline.abort(new SourceReadFailed('the source took too long to read'));
    const { client, sent } = standIn(() => ({ statusCode: 207, body: COLLECTION_PROPS }));

    await expect(new CalendarSourceReader(client).read(requestOf({ signal: deadline.signal }))).rejects.toThrow(
      /took too long/,
    );
    expect(sent).toEqual([]);
  });
});
