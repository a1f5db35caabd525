import { describe, expect, it } from 'vitest';
import { NINE, NINE_THIRTY, useHarness } from './harness.js';

const h = useHarness();

/** Credentials of `user` (a user as created, with its api key). */
const as = (user: Record<string, unknown>) => ({ authorization: `Bearer ${String(user.api_key)}` });

const UNKNOWN = '0123456789abcdef01234567';

describe('calendars', () => {
  it('creates a calendar from both link forms, with defaults and an empty event list', async () => {
    const owner = await h.user();
    const a = await h.schedule(owner.id);
    const b = await h.schedule(owner.id, { name: 'Late' });
    const res = await h.send('POST', '/api/calendar/calendars/', {
      user_id: owner.id,
      name: 'Intro calls',
      availability_schedule_ids: [a.id],
      availability_schedules: [{ availability_schedule_id: b.id, expires_on: '2030-12-31T00:00:00Z' }],
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      meeting_duration_minutes: null,
      buffer_before_minutes: 0,
      buffer_after_minutes: 0,
      min_notice_minutes: 0,
      events: [],
      availability_schedules: [
        { availability_schedule_id: a.id, name: 'Work hours', timezone: 'Europe/Berlin', expires_on: null },
        { availability_schedule_id: b.id, name: 'Late', expires_on: '2030-12-31T00:00:00.000Z' },
      ],
    });
    expect((await h.send('GET', `/api/calendar/calendars/${res.body.id}`)).body).toEqual(res.body);
  });

  it('refuses a link that would expire in the past (400 naming expires_on), at creation and when linking', async () => {
    const owner = await h.user();
    const a = await h.schedule(owner.id);
    const past = '2030-05-31T23:59:59Z'; // the harness's clock stands at 2030-06-01T00:00:00Z
    const created = await h.send('POST', '/api/calendar/calendars', {
      user_id: owner.id,
      name: 'c',
      availability_schedules: [{ availability_schedule_id: a.id, expires_on: past }],
    });
    expect(created.status).toBe(400);
    expect(created.body.errors).toEqual([{ path: 'expires_on', message: 'is already past' }]);
    const cal = await h.calendar(owner.id, []);
    const linked = await h.send('POST', `/api/calendar/calendars/${cal.id}/availability_schedules`, {
      availability_schedule_id: a.id,
      expires_on: past,
    });
    expect(linked.status).toBe(400);
  });

  it('refuses an eleventh link (400): a calendar links at most 10 schedules', async () => {
    const owner = await h.user();
    const ids: string[] = [];
    for (let i = 0; i < 11; i++) ids.push((await h.schedule(owner.id, { name: `s${i}` })).id);
    const cal = await h.calendar(owner.id, ids.slice(0, 10));
    const eleventh = await h.send('POST', `/api/calendar/calendars/${cal.id}/availability_schedules`, {
      availability_schedule_id: ids[10],
    });
    expect(eleventh.status).toBe(400);
    expect(eleventh.body.errors[0].path).toBe('availability_schedule_id');
  });

  it("refuses a schedule linked twice (400), an unknown one (404) and another user's (403)", async () => {
    const owner = await h.user();
    const other = await h.user();
    const mine = await h.schedule(owner.id);
    const theirs = await h.schedule(other.id);
    const create = (body: Record<string, unknown>) =>
      h.send('POST', '/api/calendar/calendars', { user_id: owner.id, name: 'c', ...body });
    expect(
      (
        await create({
          availability_schedule_ids: [mine.id],
          availability_schedules: [{ availability_schedule_id: mine.id }],
        })
      ).status,
    ).toBe(400);
    expect((await create({ availability_schedule_ids: [UNKNOWN] })).status).toBe(404);
    expect((await create({ availability_schedule_ids: [theirs.id] })).status).toBe(403);
    // user_id must be the caller: any other, known or not, is 403.
    expect((await h.send('POST', '/api/calendar/calendars', { user_id: UNKNOWN, name: 'c' }, as(owner))).status).toBe(
      403,
    );
  });

  it('links and unlinks schedules, refusing a second link and a missing one', async () => {
    const { owner, cal } = await h.bookable();
    const extra = await h.schedule(owner.id, { name: 'Extra' });
    const linked = await h.send('POST', `/api/calendar/calendars/${cal.id}/availability_schedules`, {
      availability_schedule_id: extra.id,
    });
    expect(linked.status).toBe(201);
    expect(linked.body.availability_schedules).toHaveLength(2);
    expect(
      (
        await h.send('POST', `/api/calendar/calendars/${cal.id}/availability_schedules`, {
          availability_schedule_id: extra.id,
        })
      ).status,
    ).toBe(400);
    expect(
      (await h.send('DELETE', `/api/calendar/calendars/${cal.id}/availability_schedules/${extra.id}`)).status,
    ).toBe(204);
    expect(
      (await h.send('DELETE', `/api/calendar/calendars/${cal.id}/availability_schedules/${extra.id}/`)).status,
    ).toBe(404);
    expect((await h.send('GET', `/api/calendar/calendars/${UNKNOWN}`, undefined, as(owner))).status).toBe(404);
  });

  it("stops offering an unlinked schedule's hours to bookings", async () => {
    const { hours, cal } = await h.bookable();
    await h.send('DELETE', `/api/calendar/calendars/${cal.id}/availability_schedules/${hours.id}`);
    expect((await h.book(cal.id, NINE, NINE_THIRTY)).status).toBe(422);
  });
});

describe('events', () => {
  it('books inside availability, storing guests de-duplicated and lower-cased from the string form', async () => {
    const { cal } = await h.bookable();
    const res = await h.book(cal.id, NINE, NINE_THIRTY, { guests: 'Cy@example.com, cy@example.com,dee@example.com' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      calendar_id: cal.id,
      start_time: '2030-06-24T07:00:00.000Z',
      end_time: '2030-06-24T07:30:00.000Z',
      guests: ['cy@example.com', 'dee@example.com'],
      status: 'confirmed',
    });
    expect((await h.send('GET', `/api/event/events/${res.body.id}?tz=Europe/Berlin`)).body.start_time).toBe(
      '2030-06-24T09:00:00.000+02:00',
    );
  });

  it('refuses an overlap with 409 and accepts an event that starts when another ends', async () => {
    const { cal } = await h.bookable();
    await h.book(cal.id, NINE, NINE_THIRTY);
    expect((await h.book(cal.id, '2030-06-24T07:15:00Z', '2030-06-24T07:45:00Z')).status).toBe(409);
    expect((await h.book(cal.id, NINE_THIRTY, '2030-06-24T10:00:00+02:00')).status).toBe(201);
  });

  it('answers 422 outside availability, in the past, and for the wrong length', async () => {
    const { cal } = await h.bookable();
    const outside = await h.book(cal.id, '2030-06-24T12:00:00+02:00', '2030-06-24T12:30:00+02:00');
    expect(outside.status).toBe(422);
    expect(outside.body.type).toMatch(/not-bookable$/);
    expect((await h.book(cal.id, '2030-05-27T09:00:00+02:00', '2030-05-27T09:30:00+02:00')).status).toBe(422);
    expect((await h.book(cal.id, NINE, '2030-06-24T10:00:00+02:00')).status).toBe(422);
  });

  it('answers 404 for an unknown calendar and 400 for bare local times or end before start', async () => {
    expect((await h.book(UNKNOWN, NINE, NINE_THIRTY)).status).toBe(404);
    const { cal } = await h.bookable();
    const local = await h.book(cal.id, '2030-06-24T09:00:00', NINE_THIRTY);
    expect(local.status).toBe(400);
    expect(local.body.errors[0].path).toBe('start_time');
    expect((await h.book(cal.id, NINE_THIRTY, NINE)).status).toBe(400);
    expect((await h.book(cal.id, '2030-02-30T09:00:00Z', NINE_THIRTY)).status).toBe(400);
  });

  it('replays an Idempotency-Key retry and refuses the key with another body (422)', async () => {
    const { cal } = await h.bookable();
    const first = await h.book(cal.id, NINE, NINE_THIRTY, {}, { 'idempotency-key': 'k-1' });
    const retry = await h.book(cal.id, NINE, NINE_THIRTY, {}, { 'idempotency-key': 'k-1' });
    expect(retry.status).toBe(201);
    expect(retry.body).toEqual(first.body);
    expect(
      (await h.book(cal.id, '2030-06-24T10:00:00+02:00', '2030-06-24T10:30:00+02:00', {}, { 'idempotency-key': 'k-1' }))
        .status,
    ).toBe(422);
    expect((await h.book(cal.id, NINE, NINE_THIRTY, {}, { 'idempotency-key': 'x'.repeat(256) })).status).toBe(400);
  });

  it('cancels an event: 204, status canceled, gone from lists and details, its time free again', async () => {
    const { owner, cal } = await h.bookable();
    const event = (await h.book(cal.id, NINE, NINE_THIRTY)).body;
    expect(
      (await h.send('GET', `/api/calendar/calendars/${cal.id}`)).body.events.map((e: { id: string }) => e.id),
    ).toEqual([event.id]);
    expect((await h.send('DELETE', `/api/event/events/${event.id}`)).status).toBe(204);
    expect((await h.send('GET', `/api/event/events/${event.id}`)).body.status).toBe('canceled');
    expect((await h.send('GET', `/api/calendar/calendars/${cal.id}/events`)).body).toEqual([]);
    expect((await h.send('GET', `/api/calendar/calendars/${cal.id}`)).body.events).toEqual([]);
    expect((await h.book(cal.id, NINE, NINE_THIRTY)).status).toBe(201);
    expect((await h.send('DELETE', `/api/event/events/${UNKNOWN}`, undefined, as(owner))).status).toBe(404);
    expect((await h.send('GET', `/api/event/events/${UNKNOWN}`, undefined, as(owner))).status).toBe(404);
  });

  it('lists events sorted, keeping those that overlap [from, to)', async () => {
    const { owner, cal } = await h.bookable();
    const late = (await h.book(cal.id, '2030-06-24T14:00:00+02:00', '2030-06-24T14:30:00+02:00')).body;
    const early = (await h.book(cal.id, NINE, NINE_THIRTY)).body;
    const all = await h.send('GET', `/api/calendar/calendars/${cal.id}/events/`);
    expect(all.body.map((e: { id: string }) => e.id)).toEqual([early.id, late.id]);
    const window = await h.send(
      'GET',
      `/api/calendar/calendars/${cal.id}/events?from=2030-06-24T07:30:00Z&to=2030-06-24T12:00:01Z`,
    );
    expect(window.body.map((e: { id: string }) => e.id)).toEqual([late.id]);
    expect((await h.send('GET', `/api/calendar/calendars/${cal.id}/events?from=yesterday`)).status).toBe(400);
    expect((await h.send('GET', `/api/calendar/calendars/${UNKNOWN}/events`, undefined, as(owner))).status).toBe(404);
  });

  it("keeps the calendar detail's events sorted by start, rendered in ?tz=", async () => {
    const { cal } = await h.bookable();
    await h.book(cal.id, '2030-06-24T14:00:00+02:00', '2030-06-24T14:30:00+02:00');
    await h.book(cal.id, NINE, NINE_THIRTY);
    const detail = await h.send('GET', `/api/calendar/calendars/${cal.id}?tz=America/New_York`);
    expect(detail.body.events.map((e: { start_time: string }) => e.start_time)).toEqual([
      '2030-06-24T03:00:00.000-04:00',
      '2030-06-24T08:00:00.000-04:00',
    ]);
  });
});

describe('availability and compare', () => {
  it('lists free time and slots that the booking route then accepts', async () => {
    const { cal } = await h.bookable();
    await h.book(cal.id, NINE, NINE_THIRTY);
    const res = await h.send(
      'GET',
      `/api/calendar/calendars/${cal.id}/availability?from=2030-06-24T00:00:00Z&to=2030-06-25T00:00:00Z`,
    );
    expect(res.status).toBe(200);
    expect(res.body.free[0]).toEqual({ start_time: '2030-06-24T07:30:00.000Z', end_time: '2030-06-24T10:00:00.000Z' });
    expect(res.body.slots).toHaveLength(5 + 8);
    for (const slot of res.body.slots.slice(0, 3))
      expect((await h.book(cal.id, slot.start_time, slot.end_time)).status).toBe(201);
  });

  it('compares calendars for a date in a zone', async () => {
    const a = await h.bookable();
    const b = await h.bookable();
    await h.book(b.cal.id, NINE, NINE_THIRTY);
    const res = await h.send(
      'GET',
      `/api/calendar/compare?calendar_ids=${a.cal.id},${b.cal.id}&date=2030-06-24&tz=Europe/Berlin&duration=60`,
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ from: '2030-06-24T00:00:00.000+02:00', to: '2030-06-25T00:00:00.000+02:00' });
    expect(res.body.overlaps).toEqual([
      { start_time: '2030-06-24T09:30:00.000+02:00', end_time: '2030-06-24T12:00:00.000+02:00' },
      { start_time: '2030-06-24T13:00:00.000+02:00', end_time: '2030-06-24T17:00:00.000+02:00' },
    ]);
  });

  it('refuses a comparison of one calendar (400) or of an unknown one (404)', async () => {
    const a = await h.bookable();
    expect((await h.send('GET', `/api/calendar/compare?calendar_ids=${a.cal.id}&date=2030-06-24`)).status).toBe(400);
    expect(
      (await h.send('GET', `/api/calendar/compare?calendar_ids=${a.cal.id},${UNKNOWN}&date=2030-06-24`)).status,
    ).toBe(404);
  });
});
