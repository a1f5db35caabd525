/**
 * The calendar feed through HTTP: the owner's token route, and the public feed whose token is its
 * only credential, its text parsed back with ical.js.
 */
import { eventFromWire } from '@slotkeeper/contracts';
import ICAL from 'ical.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { forgetCalendar } from '../../src/outbound/index.js';
import {
  ann,
  as,
  bob,
  canceled,
  CAL,
  eventData,
  eventId,
  feedApp,
  NOW,
  NO_CAL,
  OTHER_CAL,
  outbound,
  PUBLIC_BASE_URL,
  rescheduled,
  SOURCE,
} from './outbound-fixtures.js';

let sys: ReturnType<typeof outbound>;
let app: Awaited<ReturnType<typeof feedApp>>;

beforeEach(async () => {
  sys = outbound();
  app = await feedApp(sys.deps);
});
afterEach(async () => {
  await app.close();
  await sys.client.close();
});

const anonymous = { kind: 'anonymous' } as const;
const issue = (calendarId = CAL, principal = ann) =>
  app.inject({ method: 'POST', url: `/api/calendar/calendars/${calendarId}/feed_token`, headers: as(principal) });
const read = (url: string) => app.inject({ method: 'GET', url, headers: as(anonymous) });
/** The feed URL's path and query, as the gateway forwards it. */
const pathOf = (feedUrl: string) => feedUrl.slice(PUBLIC_BASE_URL.length);
const tokenOf = (feedUrl: string) => new URL(feedUrl).searchParams.get('token')!;
const feedPath = (calendarId: string, token: string) =>
  `/api/calendar/calendars/${calendarId}/feed.ics?token=${encodeURIComponent(token)}`;

async function issued(calendarId = CAL): Promise<string> {
  const res = await issue(calendarId);
  expect(res.statusCode).toBe(201);
  return (res.json() as { feed_url: string }).feed_url;
}

const vevents = (text: string) => new ICAL.Component(ICAL.parse(text)).getAllSubcomponents('vevent');
const startOf = (event: ICAL.Component) => (event.getFirstPropertyValue('dtstart') as ICAL.Time).toJSDate();

describe('POST /api/calendar/calendars/:calendar_id/feed_token', () => {
  it('when the owner asks, then 201 with the feed URL under the public base and a token of at least 128 random bits', async () => {
    const res = await issue();
    expect(res.statusCode).toBe(201);
    const { feed_url } = res.json() as { feed_url: string };
    expect(feed_url).toMatch(
      new RegExp(`^${PUBLIC_BASE_URL}/api/calendar/calendars/${CAL}/feed\\.ics\\?token=[A-Za-z0-9_-]{43}$`),
    );
    expect(Buffer.from(tokenOf(feed_url), 'base64url')).toHaveLength(32);
  });

  it('when the token is issued, then only its SHA-256 is stored', async () => {
    const token = tokenOf(await issued());
    const stored = await sys.store.feedTokenHash(CAL);
    expect(stored).toMatch(/^[0-9a-f]{64}$/);
    expect(stored).not.toContain(token);
  });

  it('when another user asks, then 403; for an unknown calendar, 404; without credentials, 401', async () => {
    expect((await issue(CAL, bob)).statusCode).toBe(403);
    expect((await issue(NO_CAL)).statusCode).toBe(404);
    expect((await issue(CAL, anonymous as never)).statusCode).toBe(401);
    expect(await sys.store.feedTokenHash(CAL)).toBeNull();
  });

  it('when a new token is issued, then the old URL stops working and the new one works', async () => {
    const first = await issued();
    expect((await read(pathOf(first))).statusCode).toBe(200);
    const second = await issued();
    expect(tokenOf(second)).not.toBe(tokenOf(first));
    expect((await read(pathOf(first))).statusCode).toBe(404);
    expect((await read(pathOf(second))).statusCode).toBe(200);
  });
});

describe('GET /api/calendar/calendars/:calendar_id/feed.ics', () => {
  it('when the token is wrong, old, of another calendar, or the calendar unknown or without a feed, then the same 404', async () => {
    const old = await issued();
    const current = await issued();
    const others = await issued(OTHER_CAL);
    const answers = await Promise.all(
      [
        feedPath(CAL, 'not-the-token'),
        pathOf(old),
        feedPath(CAL, tokenOf(others)),
        feedPath(NO_CAL, tokenOf(current)),
        feedPath('ffffffffffffffffffffffff', 'x'),
      ].map(read),
    );
    const bodies = answers.map((res) => {
      expect(res.statusCode).toBe(404);
      const { detail: _detail, instance: _instance, ...problem } = res.json() as Record<string, unknown>;
      return problem;
    });
    expect(new Set(bodies.map((body) => JSON.stringify(body))).size).toBe(1);
  });

  it('when the calendar was deleted at the calendar service, then its feed is a 404 too', async () => {
    const url = await issued();
    sys.owners.calendars.delete(CAL);
    expect((await read(pathOf(url))).statusCode).toBe(404);
  });

  it('when no token is given, then the request is refused (400: the contract requires the parameter)', async () => {
    const res = await read(`/api/calendar/calendars/${CAL}/feed.ics`);
    expect(res.statusCode).toBe(400);
  });

  it('when read, then text/calendar in UTF-8, kept privately a minute at most, named after the calendar', async () => {
    const res = await read(pathOf(await issued()));
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/calendar; charset=utf-8');
    expect(res.headers['cache-control']).toBe('private, max-age=60');
    const root = new ICAL.Component(ICAL.parse(res.body));
    expect(root.getFirstPropertyValue('method')).toBe('PUBLISH');
    // ical.js hands X-WR-CALNAME back as written: escaped TEXT.
    expect(root.getFirstPropertyValue('x-wr-calname')).toBe('Ann\\, consulting\\; 1:1');
    expect(res.body.startsWith('BEGIN:VCALENDAR\r\n')).toBe(true);
  });

  it('when events were booked, moved and canceled, then the feed shows each once by UID, SEQUENCE raised, canceled as CANCELLED', async () => {
    const [kept, moved, dropped, elsewhere] = [eventId(), eventId(), eventId(), eventId()];
    await sys.handlers.EventBooked(eventData(kept));
    await sys.handlers.EventBooked(eventData(moved, { start_time: '2030-06-25T09:00:00.000Z' }));
    await sys.handlers.EventRescheduled(rescheduled(moved, 2, '2030-06-26T11:00:00.000Z', '2030-06-26T12:00:00.000Z'));
    await sys.handlers.EventBooked(eventData(dropped, { start_time: '2030-06-24T08:00:00.000Z' }));
    await sys.handlers.EventRescheduled(
      rescheduled(dropped, 2, '2030-06-24T08:00:00.000Z', '2030-06-24T08:30:00.000Z'),
    );
    await sys.handlers.EventCanceled(
      canceled(dropped, 3, { start_time: '2030-06-24T08:00:00.000Z', end_time: '2030-06-24T08:30:00.000Z' }),
    );
    await sys.handlers.EventBooked(eventData(elsewhere, { calendar_id: OTHER_CAL }));

    const res = await read(pathOf(await issued()));
    const events = vevents(res.body);
    // By start: the canceled one (08:00 on the 24th), the kept one (09:00), the moved one (the 26th).
    expect(events.map((e) => e.getFirstPropertyValue('uid'))).toEqual([dropped, kept, moved]);
    expect(events.map((e) => e.getFirstPropertyValue('sequence'))).toEqual([2, 0, 1]);
    expect(events.map((e) => e.getFirstPropertyValue('status'))).toEqual(['CANCELLED', 'CONFIRMED', 'CONFIRMED']);
    expect(startOf(events[2]!)).toEqual(new Date('2030-06-26T11:00:00.000Z'));
    expect((events[2]!.getFirstPropertyValue('dtend') as ICAL.Time).toJSDate()).toEqual(
      new Date('2030-06-26T12:00:00.000Z'),
    );
    expect(events[1]!.getFirstPropertyValue('summary')).toBe('Intro call');
    expect(events[1]!.getFirstPropertyValue('description')).toBe(
      'Booked by Bea Booker <bea@example.com>\nGuests: cy@example.com\n\nAbout the roadmap, Q3; and Q4',
    );
    expect(events.every((e) => e.getFirstPropertyValue('x-slotkeeper-calendar') === CAL)).toBe(true);
  });

  it('when events ended more than 30 days ago, then they are left out; those ending at the cut stay', async () => {
    // Now is 2030-06-20T08:00Z: the cut is 2030-05-21T08:00Z.
    const [before, atCut, after] = [eventId(), eventId(), eventId()];
    const ending = (id: string, end: string) =>
      eventData(id, { start_time: new Date(new Date(end).getTime() - 1_800_000).toISOString(), end_time: end });
    await sys.handlers.EventBooked(ending(before, '2030-05-21T07:59:59.000Z'));
    await sys.handlers.EventBooked(ending(atCut, '2030-05-21T08:00:00.000Z'));
    await sys.handlers.EventCanceled(canceled(after, 2, ending(after, '2030-05-21T08:00:01.000Z')));

    const events = vevents((await read(pathOf(await issued()))).body);
    expect(events.map((e) => e.getFirstPropertyValue('uid'))).toEqual([atCut, after]);
  });

  it('when the feed is issued and read, then neither the token nor the feed URL appears in any log line', async () => {
    await sys.handlers.EventBooked(eventData(eventId()));
    const url = await issued();
    expect((await read(pathOf(url))).statusCode).toBe(200);
    expect((await read(feedPath(CAL, `${tokenOf(url)}x`))).statusCode).toBe(404);
    const logs = sys.lines.join('\n');
    expect(logs).toContain('feed.ics');
    expect(logs).not.toContain(tokenOf(url));
  });

  it('when a calendar has more than 5,000 events, then the feed holds the first 5,000, built without holding up /health', async () => {
    const start = new Date('2030-06-21T00:00:00.000Z').getTime();
    for (let n = 0; n < 5_001; n++) {
      const at = (minutes: number) => new Date(start + (n * 60 + minutes) * 60_000).toISOString();
      await sys.store.applyEvent({
        ...eventFromWire(eventData(eventId(), { start_time: at(0), end_time: at(30) }), (t) => new Date(t)),
        version: 1,
        updatedAt: new Date(NOW),
      });
    }
    const url = pathOf(await issued());
    const finished: string[] = [];
    const feed = read(url).then((res) => (finished.push('feed'), res));
    // Asked just after the feed: answered while the feed is still being built.
    await new Promise((resolve) => setImmediate(resolve));
    const health = app.inject({ method: 'GET', url: '/health' }).then((res) => (finished.push('health'), res));
    const [feedRes, healthRes] = await Promise.all([feed, health]);
    expect(healthRes.statusCode).toBe(200);
    expect(finished).toEqual(['health', 'feed']);
    expect(feedRes.statusCode).toBe(200);
    const events = vevents(feedRes.body);
    expect(events).toHaveLength(5_000);
    expect(startOf(events[4_999]!)).toEqual(new Date(start + 4_999 * 3_600_000));
  });
});

describe('a deleted calendar (CalendarDeleted)', () => {
  it('when it is forgotten, then its feed answers 404 and its events and write-back jobs are gone; other calendars keep theirs', async () => {
    const other = '5050505050505050505050cc';
    sys.targets.targets = [
      { sourceId: SOURCE, calendarId: CAL, url: 'http://127.0.0.1:9/dav/work/', credentials: null },
      { sourceId: other, calendarId: OTHER_CAL, url: 'http://127.0.0.1:9/dav/other/', credentials: null },
    ];
    const [mine, theirs] = [eventId(), eventId()];
    await sys.handlers.EventBooked(eventData(mine));
    await sys.handlers.EventBooked(eventData(theirs, { calendar_id: OTHER_CAL }));
    const [feed, otherFeed] = [await issued(), await issued(OTHER_CAL)];

    await forgetCalendar(CAL, sys.deps);
    // A repeated message finds nothing left.
    await forgetCalendar(CAL, sys.deps);

    expect((await read(pathOf(feed))).statusCode).toBe(404);
    expect(await sys.store.feedTokenHash(CAL)).toBeNull();
    // The booker's email, name and notes with it.
    expect(await sys.store.findEvent(mine)).toBeNull();
    expect(await sys.store.findWriteJob(SOURCE, mine)).toBeNull();

    expect((await read(pathOf(otherFeed))).statusCode).toBe(200);
    expect(await sys.store.findEvent(theirs)).not.toBeNull();
    expect(await sys.store.findWriteJob(other, theirs)).not.toBeNull();
  });
});
