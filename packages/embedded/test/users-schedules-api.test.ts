import { describe, expect, it } from 'vitest';
import { errorPaths, useHarness } from './harness.js';

const h = useHarness();

const UNKNOWN = '0123456789abcdef01234567';

describe('users', () => {
  it('creates a user with a lower-cased email and a UTC default timezone', async () => {
    const res = await h.send('POST', '/api/user/users/', { name: 'Zoe', email: 'Zoe@Example.COM' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      name: 'Zoe',
      email: 'zoe@example.com',
      timezone: 'UTC',
      created_at: '2030-06-01T00:00:00.000Z',
    });
    expect(res.body.id).toMatch(/^[0-9a-f]{24}$/);
  });

  it('refuses a duplicate email whatever its case with 409', async () => {
    await h.send('POST', '/api/user/users', { name: 'Dup', email: 'dup@example.com' });
    const res = await h.send('POST', '/api/user/users', { name: 'Dup', email: 'DUP@example.com' });
    expect(res.status).toBe(409);
    expect(res.headers['content-type']).toContain('application/problem+json');
  });

  it('lists every bad field of a request in one 400', async () => {
    const res = await h.send('POST', '/api/user/users', { name: '', email: 'not-an-email', timezone: 'Mars/Olympus' });
    expect(res.status).toBe(400);
    expect(errorPaths(res.body)).toEqual(['email', 'name', 'timezone']);
  });

  it('gets a user, with and without a trailing slash, rendering instants in ?tz=', async () => {
    const { api_key, ...user } = await h.user();
    expect(api_key).toMatch(/^sk_/);
    expect((await h.send('GET', `/api/user/users/${user.id}`)).body).toEqual(user);
    const zoned = await h.send('GET', `/api/user/users/${user.id}/?tz=Asia/Tokyo`);
    expect(zoned.body.created_at).toBe('2030-06-01T09:00:00.000+09:00');
  });

  it("answers 400 for a malformed id or zone, and 403 for any id but the caller's, known or not", async () => {
    const caller = { authorization: `Bearer ${(await h.user()).api_key}` };
    expect((await h.send('GET', '/api/user/users/42', undefined, caller)).status).toBe(400);
    expect((await h.send('GET', `/api/user/users/${UNKNOWN}?tz=Nowhere/City`, undefined, caller)).status).toBe(400);
    expect((await h.send('GET', `/api/user/users/${UNKNOWN}`, undefined, caller)).status).toBe(403);
  });
});

describe('availability schedules', () => {
  it("defaults the timezone to the user's and stores slots and overrides", async () => {
    const user = await h.user('America/New_York');
    const created = await h.schedule(user.id, { date_overrides: [{ date: '2030-12-25', time_slots: [] }] });
    expect(created).toMatchObject({
      user_id: user.id,
      timezone: 'America/New_York',
      date_overrides: [{ date: '2030-12-25', time_slots: [] }],
    });
    expect((created.time_slots as Array<{ id: string }>).every((slot) => /^[0-9a-f]{24}$/.test(slot.id))).toBe(true);
    expect((await h.send('GET', `/api/schedule/availability_schedules/${created.id}`)).body).toEqual(created);
  });

  it("lists a user's schedules", async () => {
    const user = await h.user();
    const a = await h.schedule(user.id);
    // Listed by creation time (then id, which is random): a later one comes after.
    h.clock.advance(1);
    const b = await h.schedule(user.id, { name: 'Evenings', timezone: 'Asia/Tokyo' });
    const res = await h.send('GET', `/api/schedule/availability_schedules/?user_id=${user.id}`);
    expect(res.status).toBe(200);
    expect(res.body.map((s: { id: string }) => s.id)).toEqual([a.id, b.id]);
  });

  it("refuses another user's id, however unknown (403), and bad slots (400)", async () => {
    const user = await h.user();
    const body = { user_id: UNKNOWN, name: 'x', time_slots: [] };
    const caller = { authorization: `Bearer ${user.api_key}` };
    expect((await h.send('POST', '/api/schedule/availability_schedules', body, caller)).status).toBe(403);
    const bad = async (slot: Record<string, string>) =>
      h.send('POST', '/api/schedule/availability_schedules', { user_id: user.id, name: 'x', time_slots: [slot] });
    const endBeforeStart = await bad({ day_of_week: 'monday', start_time: '12:00', end_time: '09:00' });
    expect(endBeforeStart.status).toBe(400);
    expect(endBeforeStart.body.errors[0].path).toBe('time_slots.0.end_time');
    expect((await bad({ day_of_week: 'funday', start_time: '09:00', end_time: '10:00' })).status).toBe(400);
    expect((await bad({ day_of_week: 'monday', start_time: '9am', end_time: '10:00' })).status).toBe(400);
    expect((await bad({ day_of_week: 'monday', start_time: '24:00', end_time: '24:00' })).status).toBe(400);
    expect((await bad({ day_of_week: 'monday', start_time: '22:00', end_time: '24:00' })).status).toBe(201);
  });

  it('answers 404 for an unknown schedule and 400 for a list without user_id', async () => {
    const caller = { authorization: `Bearer ${(await h.user()).api_key}` };
    expect((await h.send('GET', `/api/schedule/availability_schedules/${UNKNOWN}`, undefined, caller)).status).toBe(
      404,
    );
    expect((await h.send('GET', '/api/schedule/availability_schedules', undefined, caller)).status).toBe(400);
  });
});
