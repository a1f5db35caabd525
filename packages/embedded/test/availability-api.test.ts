import { describe, expect, it } from 'vitest';
import { useHarness } from './harness.js';

const h = useHarness('2030-06-24T06:00:00Z');

// Monday 2030-06-24 in Berlin (UTC+2): open 09:00–12:00 and 13:00–17:00 local, 07–10 and 11–15 UTC.
const DAY = 'from=2030-06-24T00:00:00Z&to=2030-06-25T00:00:00Z';

describe('availability through the API', () => {
  it("keeps meetings away from events by the event's buffer plus their own, keeps the notice, and lists slots of the default duration", async () => {
    const { cal } = await h.bookable({
      meeting_duration_minutes: 60,
      buffer_before_minutes: 15,
      buffer_after_minutes: 30,
      min_notice_minutes: 120,
    });
    expect((await h.book(cal.id, '2030-06-24T11:00:00Z', '2030-06-24T12:00:00Z')).status).toBe(201);
    const res = await h.send('GET', `/api/calendar/calendars/${cal.id}/availability?${DAY}`);
    // The event blocks [11:00 − 15 − 30 min, 12:00 + 30 + 15 min) = [10:15, 12:45).
    expect(res.body.free).toEqual([
      { start_time: '2030-06-24T08:00:00.000Z', end_time: '2030-06-24T10:00:00.000Z' },
      { start_time: '2030-06-24T12:45:00.000Z', end_time: '2030-06-24T15:00:00.000Z' },
    ]);
    expect(res.body.slots.map((s: { start_time: string }) => s.start_time.slice(11, 16))).toEqual([
      '08:00',
      '09:00',
      '12:45',
      '13:45',
    ]);
    // Listed slots book (these two leave each other room).
    for (const slot of [res.body.slots[1], res.body.slots[2]]) {
      expect((await h.book(cal.id, slot.start_time, slot.end_time)).status).toBe(201);
    }
  });

  it("refuses bookings inside the notice (422) or in an event's buffer (409)", async () => {
    const { cal } = await h.bookable({
      meeting_duration_minutes: 30,
      buffer_after_minutes: 30,
      min_notice_minutes: 120,
    });
    expect((await h.book(cal.id, '2030-06-24T07:30:00Z', '2030-06-24T08:00:00Z')).status).toBe(422);
    expect((await h.book(cal.id, '2030-06-24T08:00:00Z', '2030-06-24T08:30:00Z')).status).toBe(201);
    expect((await h.book(cal.id, '2030-06-24T08:45:00Z', '2030-06-24T09:15:00Z')).status).toBe(409);
    expect((await h.book(cal.id, '2030-06-24T09:00:00Z', '2030-06-24T09:30:00Z')).status).toBe(201);
  });

  it('takes ?duration= on a calendar without a meeting length, and renders in ?tz=', async () => {
    const { cal } = await h.bookable({});
    const res = await h.send(
      'GET',
      `/api/calendar/calendars/${cal.id}/availability?${DAY}&duration=120&tz=Europe/Berlin`,
    );
    expect(res.body.slots).toEqual([
      { start_time: '2030-06-24T09:00:00.000+02:00', end_time: '2030-06-24T11:00:00.000+02:00' },
      { start_time: '2030-06-24T13:00:00.000+02:00', end_time: '2030-06-24T15:00:00.000+02:00' },
      { start_time: '2030-06-24T15:00:00.000+02:00', end_time: '2030-06-24T17:00:00.000+02:00' },
    ]);
  });

  it('omits slots when neither duration nor a meeting length is set', async () => {
    const { cal } = await h.bookable({});
    const res = await h.send('GET', `/api/calendar/calendars/${cal.id}/availability?${DAY}`);
    expect(res.body.free).toHaveLength(2);
    expect(res.body).not.toHaveProperty('slots');
  });

  it('explains the unavailable parts of the period with reasons, to the owner', async () => {
    const { cal } = await h.bookable({ meeting_duration_minutes: 30, buffer_after_minutes: 10 });
    await h.book(cal.id, '2030-06-24T08:00:00Z', '2030-06-24T08:30:00Z');
    const res = await h.send('GET', `/api/calendar/calendars/${cal.id}/availability?${DAY}&explain=true`);
    expect(res.status).toBe(200);
    expect(res.body.unavailable.map((u: { reason: string }) => u.reason)).toEqual([
      'min_notice',
      'outside_hours',
      'buffer',
      'event',
      'buffer',
      'outside_hours',
      'outside_hours',
    ]);
    expect(res.body.unavailable[3]).toEqual({
      start_time: '2030-06-24T08:00:00.000Z',
      end_time: '2030-06-24T08:30:00.000Z',
      reason: 'event',
    });
  });

  it('refuses more than 31 days and 1 hour, an empty or reversed range, a bad duration and a missing range (400)', async () => {
    const { cal } = await h.bookable();
    const get = (q: string) => h.send('GET', `/api/calendar/calendars/${cal.id}/availability?${q}`);
    expect((await get('from=2030-06-01T00:00:00Z&to=2030-07-02T01:00:00Z')).status).toBe(200);
    expect((await get('from=2030-06-01T00:00:00Z&to=2030-07-02T01:00:00.001Z')).status).toBe(400);
    expect((await get('from=2030-06-01T00:00:00Z&to=2030-07-03T00:00:00Z')).status).toBe(400);
    expect((await get('from=2030-06-02T00:00:00Z&to=2030-06-01T00:00:00Z')).status).toBe(400);
    expect((await get('from=2030-06-02T00:00:00Z&to=2030-06-02T00:00:00Z')).status).toBe(400);
    expect((await get(`${DAY}&duration=0`)).status).toBe(400);
    expect((await get(`${DAY}&duration=4`)).status).toBe(400);
    expect((await get('from=2030-06-02T00:00:00Z')).status).toBe(400);
    expect((await get(`${DAY}&explain=maybe`)).status).toBe(400);
  });
});

describe('compare through the API', () => {
  it('compares over a from/to range', async () => {
    const a = await h.bookable();
    const b = await h.bookable();
    const res = await h.send('GET', `/api/calendar/compare?calendar_ids=${a.cal.id},${b.cal.id}&${DAY}`);
    expect(res.body.overlaps).toEqual([
      { start_time: '2030-06-24T07:00:00.000Z', end_time: '2030-06-24T10:00:00.000Z' },
      { start_time: '2030-06-24T11:00:00.000Z', end_time: '2030-06-24T15:00:00.000Z' },
    ]);
  });

  it('with a quorum, lists who is free in each interval', async () => {
    const a = await h.bookable();
    const b = await h.bookable();
    const c = await h.bookable();
    await h.book(b.cal.id, '2030-06-24T07:00:00Z', '2030-06-24T07:30:00Z');
    const ids = [a.cal.id, b.cal.id, c.cal.id];
    const res = await h.send('GET', `/api/calendar/compare?calendar_ids=${ids.join(',')}&${DAY}&quorum=2&duration=60`);
    expect(res.status).toBe(200);
    // A and C are free from 07:00, B from 07:30: both windows are as long as they can be.
    expect(res.body.overlaps).toEqual([
      { start_time: '2030-06-24T07:00:00.000Z', end_time: '2030-06-24T10:00:00.000Z', calendar_ids: [ids[0], ids[2]] },
      { start_time: '2030-06-24T07:30:00.000Z', end_time: '2030-06-24T10:00:00.000Z', calendar_ids: ids },
      { start_time: '2030-06-24T11:00:00.000Z', end_time: '2030-06-24T15:00:00.000Z', calendar_ids: ids },
    ]);
    expect((await h.send('GET', `/api/calendar/compare?calendar_ids=${ids.join(',')}&${DAY}&quorum=4`)).status).toBe(
      400,
    );
  });

  it('refuses both date and range, neither, 21 calendars, or a calendar twice (400)', async () => {
    const a = await h.bookable();
    const b = await h.bookable();
    const base = `/api/calendar/compare?calendar_ids=${a.cal.id},${b.cal.id}`;
    expect((await h.send('GET', `${base}&date=2030-06-24&${DAY}`)).status).toBe(400);
    expect((await h.send('GET', base)).status).toBe(400);
    expect(
      (await h.send('GET', `/api/calendar/compare?calendar_ids=${a.cal.id},${a.cal.id}&date=2030-06-24`)).status,
    ).toBe(400);
    const many = Array.from({ length: 21 }, (_, i) => i.toString(16).padStart(24, '0')).join(',');
    expect((await h.send('GET', `/api/calendar/compare?calendar_ids=${many}&date=2030-06-24`)).status).toBe(400);
  });
});
