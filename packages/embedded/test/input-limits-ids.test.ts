import { beforeAll, describe, expect, it } from 'vitest';
import { errorPaths, useHarness, type Json } from './harness.js';

const h = useHarness();
let owner: Json;
let as: Record<string, string>;
beforeAll(async () => {
  owner = await h.user();
  as = { authorization: `Bearer ${String(owner.api_key)}` };
});

const slot = { day_of_week: 'tuesday', start_time: '09:00', end_time: '10:00' };
const overrides = (n: number) =>
  Array.from({ length: n }, (_, i) => ({
    date: new Date(Date.UTC(2031, 0, 1 + i)).toISOString().slice(0, 10),
    time_slots: [],
  }));
/** Well-formed ids nobody has: the limits are checked before any lookup. */
const ids = (n: number, from = 1) => Array.from({ length: n }, (_, i) => (from + i).toString(16).padStart(24, 'f'));

describe('limits', () => {
  it('takes 200 weekly slots and 400 date overrides in a schedule, and refuses one more of either', async () => {
    const create = (body: Record<string, unknown>) =>
      h.send('POST', '/api/schedule/availability_schedules', { user_id: owner.id, name: 'Big', ...body });
    expect((await create({ time_slots: Array(200).fill(slot), date_overrides: overrides(400) })).status).toBe(201);
    const slots = await create({ time_slots: Array(201).fill(slot) });
    expect(slots.status).toBe(400);
    expect(errorPaths(slots.body)).toEqual(['time_slots']);
    const dates = await create({ time_slots: [], date_overrides: overrides(401) });
    expect(dates.status).toBe(400);
    expect(errorPaths(dates.body)).toEqual(['date_overrides']);
  });

  it('refuses a calendar with more than 10 schedules, counting both forms together', async () => {
    const create = (body: Record<string, unknown>) =>
      h.send('POST', '/api/calendar/calendars', { user_id: owner.id, name: 'Many', ...body });
    const short = await create({ availability_schedule_ids: ids(11) });
    expect(short.status).toBe(400);
    expect(errorPaths(short.body)).toEqual(['availability_schedule_ids']);
    const both = await create({
      availability_schedule_ids: ids(6),
      availability_schedules: ids(5, 100).map((id) => ({ availability_schedule_id: id })),
    });
    expect(both.status).toBe(400);
    expect(errorPaths(both.body)).toEqual(['availability_schedules']);
  });

  it('links 10 schedules of both forms', async () => {
    const mine = await Promise.all(Array.from({ length: 10 }, () => h.schedule(owner.id)));
    const res = await h.send('POST', '/api/calendar/calendars', {
      user_id: owner.id,
      name: 'Ten',
      availability_schedule_ids: mine.slice(0, 5).map((s) => s.id),
      availability_schedules: mine.slice(5).map((s) => ({ availability_schedule_id: s.id })),
    });
    expect(res.status).toBe(201);
    expect(res.body.availability_schedules).toHaveLength(10);
  });
});

describe('a malformed id of any length is a 400 naming it', () => {
  // Past 100 characters Fastify's router used to answer 414 before any schema saw the id.
  const malformed = [
    '42',
    'f'.repeat(23),
    'f'.repeat(25),
    'F'.repeat(24),
    'g'.repeat(24),
    'f'.repeat(101),
    'f'.repeat(2000),
  ];
  const routes: Array<[string, 'GET' | 'DELETE', (id: string) => string, string]> = [
    ['a user', 'GET', (id) => `/api/user/users/${id}`, 'params.user_id'],
    ['a schedule', 'GET', (id) => `/api/schedule/availability_schedules/${id}`, 'params.schedule_id'],
    ['a calendar', 'GET', (id) => `/api/calendar/calendars/${id}`, 'params.calendar_id'],
    ['a calendar’s events', 'GET', (id) => `/api/calendar/calendars/${id}/events`, 'params.calendar_id'],
    ['an event', 'GET', (id) => `/api/event/events/${id}`, 'params.event_id'],
    ['an event to cancel', 'DELETE', (id) => `/api/event/events/${id}`, 'params.event_id'],
    [
      'a link',
      'DELETE',
      (id) => `/api/calendar/calendars/${ids(1)[0]}/availability_schedules/${id}`,
      'params.schedule_id',
    ],
    ['a user’s schedules', 'GET', (id) => `/api/schedule/availability_schedules?user_id=${id}`, 'querystring.user_id'],
  ];

  it.each(routes)('for %s', async (_what, method, url, path) => {
    for (const id of malformed) {
      const res = await h.send(method, url(id), undefined, as);
      expect(res.status, `${id.length} characters`).toBe(400);
      expect(errorPaths(res.body)).toContain(path);
    }
  });
});
