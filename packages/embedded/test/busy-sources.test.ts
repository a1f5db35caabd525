/**
 * The owner's other calendars block their Slotkeeper calendar, end to end through the gateway:
 * an iCalendar source on a local server is synced before the 201, its busy time leaves the
 * availability (explain says `busy_source`) and refuses a booking (409); a later change of the
 * source reaches availability with the next sync; a failing source keeps its last busy times;
 * deleting the source frees its time at once.
 */
import { describe, expect, it } from 'vitest';
import { eventually, NINE, useHarness, useIcsServer, type Json } from './harness.js';

/** Monday 24 June 2030, 10:00–11:00 in Berlin (08:00–09:00 UTC): the owner's outside meeting. */
const MEETING = [
  'BEGIN:VCALENDAR',
  'VERSION:2.0',
  'PRODID:-//Example Corp.//Outlook export//EN',
  'BEGIN:VEVENT',
  'UID:board-meeting@example.com',
  'DTSTAMP:20300601T000000Z',
  'DTSTART;TZID="W. Europe Standard Time":20300624T100000',
  'DTEND;TZID="W. Europe Standard Time":20300624T110000',
  'SUMMARY:Board meeting',
  'END:VEVENT',
  'END:VCALENDAR',
  '',
].join('\r\n');
const EMPTY = 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Example Corp.//EN\r\nEND:VCALENDAR\r\n';

let content = MEETING;
let failing = false;
const h = useHarness();
const source = useIcsServer(() => (failing ? 500 : content));

const monday = (calendarId: string, explain = false) =>
  h.send(
    'GET',
    `/api/calendar/calendars/${calendarId}/availability?from=2030-06-24T07:00:00Z&to=2030-06-24T15:00:00Z${explain ? '&explain=true' : ''}`,
  );
const slotStarts = async (calendarId: string) =>
  ((await monday(calendarId)).body.slots as Array<{ start_time: string }>).map((slot) => slot.start_time);
const sourcesOf = (calendarId: string) => `/api/calendar/calendars/${calendarId}/busy_sources`;

describe('an iCalendar busy source', () => {
  let cal: Json;
  let created: Json;

  it('when connected, then synced before the 201: ok, and the password-less source listed', async () => {
    ({ cal } = await h.bookable());
    const res = await h.send('POST', sourcesOf(cal.id), { kind: 'ics', url: source.url });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    created = res.body as Json;
    expect(created).toMatchObject({
      calendar_id: cal.id,
      kind: 'ics',
      url: source.url,
      write_bookings: false,
      status: 'ok',
      last_error: null,
    });
    expect(created.last_synced_at).toEqual(expect.any(String));
    const listed = await h.send('GET', sourcesOf(cal.id));
    expect(listed.body).toEqual([created]);
  });

  it('then its busy hour is not available, and explain names it busy_source', async () => {
    const starts = await slotStarts(cal.id);
    expect(starts).toContain('2030-06-24T07:30:00.000Z');
    expect(starts).not.toContain('2030-06-24T08:00:00.000Z');
    expect(starts).not.toContain('2030-06-24T08:30:00.000Z');
    expect(starts).toContain('2030-06-24T09:00:00.000Z');
    const explained = await monday(cal.id, true);
    expect(explained.body.unavailable).toContainEqual({
      start_time: '2030-06-24T08:00:00.000Z',
      end_time: '2030-06-24T09:00:00.000Z',
      reason: 'busy_source',
    });
  });

  it('then a booking over it is refused with 409, and one beside it is booked', async () => {
    const refused = await h.book(cal.id, '2030-06-24T10:30:00+02:00', '2030-06-24T11:00:00+02:00');
    expect(refused.status).toBe(409);
    expect(refused.body.detail).not.toContain('Board meeting');
    expect((await h.book(cal.id, NINE, '2030-06-24T09:30:00+02:00')).status).toBe(201);
  });

  it('when the source changes, then the next sync frees the hour', async () => {
    content = EMPTY;
    h.clock.advance(6);
    await eventually(async () => expect(await slotStarts(cal.id)).toContain('2030-06-24T08:00:00.000Z'), 15_000);
  });

  it('when the source fails, then it shows failing and its last busy times stay', async () => {
    content = MEETING;
    h.clock.advance(6);
    await eventually(async () => expect(await slotStarts(cal.id)).not.toContain('2030-06-24T08:00:00.000Z'), 15_000);
    failing = true;
    h.clock.advance(6);
    await eventually(async () => {
      const [listed] = (await h.send('GET', sourcesOf(cal.id))).body as Json[];
      expect(listed).toMatchObject({ status: 'failing', last_error: expect.stringContaining('500') });
    }, 15_000);
    expect(await slotStarts(cal.id)).not.toContain('2030-06-24T08:00:00.000Z');
    failing = false;
  });

  it('when deleted, then 204 and its hour is free at once', async () => {
    const res = await h.send('DELETE', `${sourcesOf(cal.id)}/${created.id}`);
    expect(res.status).toBe(204);
    expect(await slotStarts(cal.id)).toContain('2030-06-24T08:00:00.000Z');
    expect((await h.send('GET', sourcesOf(cal.id))).body).toEqual([]);
  });
});

describe('busy sources refused', () => {
  it('when another user connects one to the calendar, then 403; an unknown calendar 404', async () => {
    const { cal } = await h.bookable();
    const stranger = await h.user();
    const res = await h.send(
      'POST',
      sourcesOf(cal.id),
      { kind: 'ics', url: source.url },
      { authorization: `Bearer ${String(stranger.api_key)}` },
    );
    expect(res.status).toBe(403);
    const unknown = await h.send(
      'POST',
      sourcesOf('cccccccccccccccccccccccc'),
      { kind: 'ics', url: source.url },
      { authorization: `Bearer ${String(stranger.api_key)}` },
    );
    expect(unknown.status).toBe(404);
  });

  it('when the body is bad, then 400 naming each field', async () => {
    const { cal } = await h.bookable();
    const res = await h.send('POST', sourcesOf(cal.id), {
      kind: 'exchange',
      url: 'ftp://user:pw@example.com/cal',
    });
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect([...new Set(res.body.errors.map((e: { path: string }) => e.path))].sort()).toEqual(['kind', 'url']);
  });
});
