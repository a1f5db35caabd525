import { availabilityResponse, compareResponse } from '@slotkeeper/contracts';
import { ALL_DAYS, wallClock } from '@slotkeeper/testing/api';
import { beforeEach, describe, expect, it } from 'vitest';
import { useHarness } from './harness.js';

// Issue 12, "Every listed slot is bookable, by anyone", through the public API.
const h = useHarness('2030-06-24T06:28:07.211Z');
beforeEach(() => h.clock.set('2030-06-24T06:28:07.211Z'));

// Monday 2030-06-24 in Berlin (UTC+2).
const DAY = 'from=2030-06-24T00:00:00Z&to=2030-06-25T00:00:00Z';
const ALL_MONDAY = { time_slots: [{ day_of_week: 'monday', start_time: '00:00', end_time: '24:00' }] };
type Slot = { start_time: string; end_time: string };

async function calendarWith(rules: Record<string, unknown>, hours: Record<string, unknown> = ALL_MONDAY) {
  const owner = await h.user();
  const schedule = await h.schedule(owner.id, hours);
  return { owner, cal: await h.calendar(owner.id, [schedule.id], rules) };
}

const availability = (calendarId: string, query: string, headers?: Record<string, string>) =>
  h.send('GET', `/api/calendar/calendars/${calendarId}/availability?${query}`, undefined, headers);

describe('slots after now + notice', () => {
  it('when now is 06:28:07.211, then free time begins there, the first slot at 06:30, and it books a minute later', async () => {
    const { cal } = await calendarWith({ meeting_duration_minutes: 30 });
    const res = await availability(cal.id, DAY);
    expect(res.status).toBe(200);
    expect(availabilityResponse.parse(res.body)).toBeDefined();
    expect(res.body.free[0].start_time).toBe('2030-06-24T06:28:07.211Z');
    const starts = res.body.slots.map((s: Slot) => s.start_time);
    expect(starts.slice(0, 3)).toEqual([
      '2030-06-24T06:30:00.000Z',
      '2030-06-24T07:00:00.000Z',
      '2030-06-24T07:30:00.000Z',
    ]);
    h.clock.advance(1);
    const first = res.body.slots[0] as Slot;
    expect((await h.book(cal.id, first.start_time, first.end_time)).status).toBe(201);
  });

  it('when the calendar has a slot interval, then later slots step by it', async () => {
    const { cal } = await calendarWith({
      meeting_duration_minutes: 30,
      slot_interval_minutes: 20,
      min_notice_minutes: 60,
    });
    const res = await availability(cal.id, DAY);
    expect(res.body.free[0].start_time).toBe('2030-06-24T07:28:07.211Z');
    expect(res.body.slots.slice(0, 3).map((s: Slot) => s.start_time.slice(11, 16))).toEqual([
      '07:30',
      '07:50',
      '08:10',
    ]);
  });
});

describe('duration', () => {
  it('when a calendar has a meeting length, then another duration is a 400 that names duration', async () => {
    const { cal } = await calendarWith({ meeting_duration_minutes: 30 });
    const res = await availability(cal.id, `${DAY}&duration=45`);
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([expect.objectContaining({ path: 'duration' })]);
    expect((await availability(cal.id, `${DAY}&duration=30`)).status).toBe(200);
  });
});

describe('buffers', () => {
  it('when a 10:00–10:30 meeting has a 10-minute before-buffer, then the next one can and does start at 10:40', async () => {
    const { cal } = await calendarWith({ meeting_duration_minutes: 30, buffer_before_minutes: 10 });
    expect((await h.book(cal.id, '2030-06-24T10:00:00+02:00', '2030-06-24T10:30:00+02:00')).status).toBe(201);
    const res = await availability(cal.id, `${DAY}&tz=Europe/Berlin`);
    expect(res.body.free.map((f: Slot) => [f.start_time.slice(11, 16), f.end_time.slice(11, 16)])).toContainEqual([
      '10:40',
      '00:00',
    ]);
    expect(res.body.slots.map((s: Slot) => s.start_time.slice(11, 16))).toContain('10:40');
    const taken = await h.book(cal.id, '2030-06-24T10:30:00+02:00', '2030-06-24T11:00:00+02:00');
    expect(taken.status).toBe(409);
    expect(taken.body.type).toMatch(/slot-taken$/);
    expect((await h.book(cal.id, '2030-06-24T10:40:00+02:00', '2030-06-24T11:10:00+02:00')).status).toBe(201);
  });
});

describe('booking horizon', () => {
  it('when a calendar books at most a day ahead, then nothing later is free or bookable, and explain says horizon', async () => {
    h.clock.set('2030-06-23T08:00:00Z');
    const { cal } = await calendarWith({ meeting_duration_minutes: 30, booking_horizon_days: 1 });
    const res = await availability(cal.id, `${DAY}&explain=true`);
    expect(res.body.free).toEqual([{ start_time: '2030-06-24T00:00:00.000Z', end_time: '2030-06-24T08:00:00.000Z' }]);
    expect(res.body.unavailable).toContainEqual({
      start_time: '2030-06-24T08:00:00.000Z',
      end_time: '2030-06-25T00:00:00.000Z',
      reason: 'horizon',
    });
    const beyond = await h.book(cal.id, '2030-06-24T07:45:00Z', '2030-06-24T08:15:00Z');
    expect(beyond.status).toBe(422);
    expect(beyond.body.detail).toBe('beyond the booking horizon: events may be booked at most 1 day ahead');
    expect((await h.book(cal.id, '2030-06-24T07:30:00Z', '2030-06-24T08:00:00Z')).status).toBe(201);
  });
});

describe('explain', () => {
  it("when nobody or another user asks for explain, then 401 or 403, and the owner's meetings stay private", async () => {
    const { cal } = await calendarWith({ meeting_duration_minutes: 30 });
    await h.book(cal.id, '2030-06-24T10:00:00Z', '2030-06-24T10:30:00Z');
    const stranger = await h.user();
    const anonymous = await availability(cal.id, `${DAY}&explain=true`, { authorization: '' });
    expect(anonymous.status).toBe(401);
    expect(anonymous.body).not.toHaveProperty('unavailable');
    const other = await availability(cal.id, `${DAY}&explain=true`, {
      authorization: `Bearer ${String(stranger.api_key)}`,
    });
    expect(other.status).toBe(403);
    expect((await availability(cal.id, `${DAY}&explain=true`)).status).toBe(200);
    expect((await availability(cal.id, DAY, { authorization: '' })).status).toBe(200);
  });
});

describe('ranges', () => {
  it('when the range is October in Berlin (31 days and 1 hour), then it is answered', async () => {
    const { cal } = await calendarWith({ meeting_duration_minutes: 30 });
    const other = await calendarWith({ meeting_duration_minutes: 30 });
    const october = 'from=2030-10-01T00:00:00%2B02:00&to=2030-11-01T00:00:00%2B01:00';
    expect((await availability(cal.id, october)).status).toBe(200);
    const compare = await h.send('GET', `/api/calendar/compare?calendar_ids=${cal.id},${other.cal.id}&${october}`);
    expect(compare.status).toBe(200);
    const longer = 'from=2030-10-01T00:00:00%2B02:00&to=2030-11-01T00:00:01%2B01:00';
    expect((await availability(cal.id, longer)).status).toBe(400);
  });
});

describe('compare with a quorum', () => {
  it('when A and B are free 09–11 and C 09–10, then quorum=2&duration=120 finds A and B at 09–11', async () => {
    const hours = (end: string) => ({ time_slots: [{ day_of_week: 'monday', start_time: '09:00', end_time: end }] });
    const a = await calendarWith({}, hours('11:00'));
    const b = await calendarWith({}, hours('11:00'));
    const c = await calendarWith({}, hours('10:00'));
    const ids = [a.cal.id, b.cal.id, c.cal.id];
    const res = await h.send(
      'GET',
      `/api/calendar/compare?calendar_ids=${ids.join(',')}&date=2030-06-24&tz=Europe/Berlin&quorum=2&duration=120`,
    );
    expect(res.status).toBe(200);
    expect(compareResponse.parse(res.body)).toBeDefined();
    expect(res.body.overlaps).toEqual([
      {
        start_time: '2030-06-24T09:00:00.000+02:00',
        end_time: '2030-06-24T11:00:00.000+02:00',
        calendar_ids: [a.cal.id, b.cal.id],
      },
    ]);
  });

  it('when a comparison finds more than 1,000 intervals, then it is a 400 that names quorum', async () => {
    // Five calendars of 20-minute windows every 30 minutes, each starting 4 minutes after the last.
    const ids: string[] = [];
    for (let c = 0; c < 5; c++) {
      const time_slots = ALL_DAYS.flatMap((day_of_week) =>
        Array.from({ length: 28 }, (_, k) => ({
          day_of_week,
          start_time: wallClock(c * 4 + k * 30 + 60),
          end_time: wallClock(c * 4 + k * 30 + 80),
        })),
      );
      ids.push((await calendarWith({}, { time_slots, timezone: 'UTC' })).cal.id);
    }
    const res = await h.send(
      'GET',
      `/api/calendar/compare?calendar_ids=${ids.join(',')}&from=2030-07-01T00:00:00Z&to=2030-07-31T00:00:00Z&quorum=1`,
    );
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([expect.objectContaining({ path: 'quorum' })]);
  });
});
