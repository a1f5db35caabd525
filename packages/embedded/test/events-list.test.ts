import { describe, expect, it } from 'vitest';
import { errorPaths, useHarness } from './harness.js';

const h = useHarness();

const UNKNOWN = '0123456789abcdef01234567';
/** 2030-06-24, Berlin: `hh:mm` local as an instant with its offset. */
const local = (hhmm: string) => `2030-06-24T${hhmm}:00+02:00`;
const utc = (hhmm: string) =>
  `2030-06-24T${String(Number(hhmm.slice(0, 2)) - 2).padStart(2, '0')}${hhmm.slice(2)}:00.000Z`;
/** The path and query of a `Link: <…>; rel="next"` header, or undefined. */
const nextOf = (link: unknown) => (typeof link === 'string' ? /^<([^>]+)>; rel="next"$/.exec(link)?.[1] : undefined);

/** A calendar with confirmed events at 09:00, 10:00, 11:00 and three canceled ones at 10:00. */
async function calendarWithHistory() {
  const { cal } = await h.bookable();
  const canceled: string[] = [];
  for (let i = 0; i < 3; i++) {
    const event = await h.book(cal.id, local('10:00'), local('10:30'));
    expect((await h.send('DELETE', `/api/event/events/${event.body.id}`)).status).toBe(204);
    canceled.push(event.body.id);
  }
  const confirmed = [];
  for (const at of ['09:00', '10:00', '11:00']) {
    const event = await h.book(cal.id, local(at), local(`${at.slice(0, 2)}:30`));
    expect(event.status).toBe(201);
    confirmed.push(event.body.id as string);
  }
  return { cal, canceled, confirmed };
}

/** Every page from `url` on, following the Link headers. */
async function allPages(url: string) {
  const pages: string[][] = [];
  let next: string | undefined = url;
  while (next) {
    const res = await h.send('GET', next);
    expect(res.status).toBe(200);
    pages.push(res.body.map((e: { id: string }) => e.id));
    next = nextOf(res.headers.link);
    expect(pages.length).toBeLessThan(20);
  }
  return pages;
}

describe('GET /api/calendar/calendars/:calendar_id/events', () => {
  it('when no status is asked, then the confirmed events are listed by start, with no Link when they fit', async () => {
    const { cal, confirmed } = await calendarWithHistory();
    const res = await h.send('GET', `/api/calendar/calendars/${cal.id}/events`);
    expect(res.status).toBe(200);
    expect(res.body.map((e: { id: string }) => e.id)).toEqual(confirmed);
    expect(res.body.map((e: { start_time: string }) => e.start_time)).toEqual([
      utc('09:00'),
      utc('10:00'),
      utc('11:00'),
    ]);
    expect(res.headers.link).toBeUndefined();
  });

  it('when status is canceled or all, then those are listed, events sharing a start ordered by id', async () => {
    const { cal, canceled, confirmed } = await calendarWithHistory();
    const ids = async (status: string) =>
      (await h.send('GET', `/api/calendar/calendars/${cal.id}/events?status=${status}`)).body.map(
        (e: { id: string }) => e.id,
      );
    expect(await ids('canceled')).toEqual([...canceled].sort());
    const atTen = [...canceled, confirmed[1]!].sort();
    expect(await ids('all')).toEqual([confirmed[0], ...atTen, confirmed[2]]);
  });

  it('when more remain than the limit, then Link pages through them, each once, keeping the query', async () => {
    const { cal, canceled, confirmed } = await calendarWithHistory();
    const url = `/api/calendar/calendars/${cal.id}/events?status=all&limit=2&tz=Europe/Berlin`;
    const first = await h.send('GET', url);
    const next = nextOf(first.headers.link)!;
    expect(next).toMatch(new RegExp(`^/api/calendar/calendars/${cal.id}/events\\?`));
    const query = new URLSearchParams(next.split('?')[1]);
    expect([query.get('status'), query.get('limit'), query.get('tz')]).toEqual(['all', '2', 'Europe/Berlin']);
    expect(query.get('cursor')).toMatch(/^[\w-]+$/);
    expect(first.body[0].start_time).toBe('2030-06-24T09:00:00.000+02:00');

    const pages = await allPages(url);
    expect(pages.map((page) => page.length)).toEqual([2, 2, 2]);
    expect(pages.flat()).toEqual([confirmed[0], ...[...canceled, confirmed[1]!].sort(), confirmed[2]]);
  });

  it('when a page is read after an event was booked or moved, then the list shows it at once', async () => {
    const { cal, confirmed } = await calendarWithHistory();
    const moved = await h.send('POST', `/api/event/events/${confirmed[0]}/reschedule`, {
      start_time: local('14:00'),
      end_time: local('14:30'),
    });
    expect(moved.status).toBe(200);
    const res = await h.send(
      'GET',
      `/api/calendar/calendars/${cal.id}/events?from=${encodeURIComponent(local('13:00'))}`,
    );
    expect(res.body.map((e: { id: string }) => e.id)).toEqual([confirmed[0]]);
  });

  it('when the query is malformed, then 400 names the field', async () => {
    const { cal } = await calendarWithHistory();
    const bad = async (query: string) => {
      const res = await h.send('GET', `/api/calendar/calendars/${cal.id}/events?${query}`);
      expect(res.status).toBe(400);
      return errorPaths(res.body);
    };
    expect(await bad('status=pending')).toEqual(['querystring.status']);
    expect(await bad('limit=0')).toEqual(['querystring.limit']);
    expect(await bad('limit=501')).toEqual(['querystring.limit']);
    expect(await bad('cursor=not!a!cursor')).toEqual(['querystring.cursor']);
    // Well-formed characters, but not a cursor this list made.
    expect(await bad(`cursor=${Buffer.from('yesterday 42').toString('base64url')}`)).toEqual(['querystring.cursor']);
    expect(await bad('cursor=abc')).toEqual(['querystring.cursor']);
  });

  it('when the calendar is unknown, then 404', async () => {
    const { owner } = await h.bookable();
    const res = await h.send('GET', `/api/calendar/calendars/${UNKNOWN}/events`, undefined, {
      authorization: `Bearer ${String(owner.api_key)}`,
    });
    expect(res.status).toBe(404);
  });
});
