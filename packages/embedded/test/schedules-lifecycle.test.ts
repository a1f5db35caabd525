import { describe, expect, it } from 'vitest';
import { errorPaths, useHarness, type Json } from './harness.js';

const h = useHarness('2030-06-24T06:00:00Z');

const UNKNOWN = '0123456789abcdef01234567';
const schedules = '/api/schedule/availability_schedules';
// Monday 2030-06-24 in Berlin (UTC+2).
const DAY = 'from=2030-06-24T00:00:00Z&to=2030-06-25T00:00:00Z';

const get = (id: string) => h.send('GET', `${schedules}/${id}`);
const patch = (id: string, body: unknown, headers?: Record<string, string>) =>
  h.send('PATCH', `${schedules}/${id}`, body, headers);
const as = (owner: Json) => ({ authorization: `Bearer ${owner.api_key as string}` });

describe('changing a schedule (PATCH)', () => {
  it('when each field is changed in turn, then each answer is the schedule with that change', async () => {
    const owner = await h.user('Europe/Berlin');
    const hours = await h.schedule(owner.id, { date_overrides: [{ date: '2030-12-25', time_slots: [] }] });

    const renamed = await patch(hours.id, { name: 'Evenings' });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toEqual({ ...hours, name: 'Evenings' });

    const zoned = await patch(hours.id, { timezone: 'asia/tokyo' });
    expect(zoned.body).toEqual({ ...hours, name: 'Evenings', timezone: 'Asia/Tokyo' });

    // null: the owner's zone again.
    expect((await patch(hours.id, { timezone: null })).body.timezone).toBe('Europe/Berlin');

    const slots = await patch(hours.id, {
      time_slots: [{ day_of_week: 'friday', start_time: '18:00', end_time: '20:00' }],
    });
    expect(slots.body.time_slots).toEqual([
      { id: expect.stringMatching(/^[0-9a-f]{24}$/), day_of_week: 'friday', start_time: '18:00', end_time: '20:00' },
    ]);

    const overrides = await patch(hours.id, {
      date_overrides: [{ date: '2030-07-01', time_slots: [{ start_time: '10:00', end_time: '11:00' }] }],
    });
    expect(overrides.body.date_overrides).toEqual([
      { date: '2030-07-01', time_slots: [{ start_time: '10:00', end_time: '11:00' }] },
    ]);
    const cleared = await patch(hours.id, { date_overrides: null });
    expect(cleared.body).toEqual({ ...slots.body, date_overrides: [] });
    expect((await get(hours.id)).body).toEqual(cleared.body);
  });

  it("when a schedule is read or changed through the gateway, then its ETag is the schedule's version", async () => {
    const owner = await h.user();
    const hours = await h.schedule(owner.id);
    expect((await get(hours.id)).headers.etag).toBe('"1"');
    expect((await patch(hours.id, { name: 'Evenings' })).headers.etag).toBe('"2"');
    expect((await get(hours.id)).headers.etag).toBe('"2"');
  });

  it("when a linked calendar's availability is asked right after the 200, then it shows the new hours", async () => {
    const { hours, cal } = await h.bookable({ meeting_duration_minutes: 60 });

    const changed = await patch(hours.id, {
      time_slots: [{ day_of_week: 'monday', start_time: '18:00', end_time: '20:00' }],
    });
    expect(changed.status).toBe(200);

    const availability = await h.send('GET', `/api/calendar/calendars/${cal.id}/availability?${DAY}`);
    expect(availability.body.free).toEqual([
      { start_time: '2030-06-24T16:00:00.000Z', end_time: '2030-06-24T18:00:00.000Z' },
    ]);
  });

  it('when the body is bad (a slot ending before it starts, a date overridden twice, an unknown field), then 400 naming it, and nothing changes', async () => {
    const owner = await h.user();
    const hours = await h.schedule(owner.id);

    const badSlot = await patch(hours.id, {
      time_slots: [{ day_of_week: 'monday', start_time: '12:00', end_time: '09:00' }],
    });
    expect(badSlot.status).toBe(400);
    expect(errorPaths(badSlot.body)).toEqual(['time_slots.0.end_time']);

    const twice = await patch(hours.id, {
      date_overrides: [
        { date: '2030-07-01', time_slots: [] },
        { date: '2030-07-01', time_slots: [] },
      ],
    });
    expect(twice.status).toBe(400);
    expect(errorPaths(twice.body)).toEqual(['date_overrides.1.date']);

    const unknown = await patch(hours.id, { name: 'Mine', owner: 'me' });
    expect(unknown.status).toBe(400);
    expect(errorPaths(unknown.body)).toEqual(['owner']);

    expect((await get(hours.id)).body).toEqual(hours);
  });

  it("when the schedule is unknown, then 404; when it is another user's, then 403 and it stays as it was", async () => {
    const owner = await h.user();
    const other = await h.user();
    const hours = await h.schedule(owner.id);

    expect((await patch(UNKNOWN, { name: 'X' }, as(owner))).status).toBe(404);
    const refused = await patch(hours.id, { name: 'Mine now' }, as(other));
    expect(refused.status).toBe(403);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect((await get(hours.id)).body).toEqual(hours);
  });
});

describe('deleting a schedule (DELETE)', () => {
  it('when no calendar links it, then 204 and it is gone', async () => {
    const owner = await h.user();
    const hours = await h.schedule(owner.id);

    expect((await h.send('DELETE', `${schedules}/${hours.id}`)).status).toBe(204);
    expect((await h.send('GET', `${schedules}/${hours.id}`, undefined, as(owner))).status).toBe(404);
    expect((await h.send('DELETE', `${schedules}/${hours.id}`, undefined, as(owner))).status).toBe(404);
  });

  it('when a calendar links it, then 409 naming how many; once unlinked, 204', async () => {
    const { owner, hours, cal } = await h.bookable();
    const spare = await h.schedule(owner.id);
    await h.calendar(owner.id, [hours.id]);

    const refused = await h.send('DELETE', `${schedules}/${hours.id}`);
    expect(refused.status).toBe(409);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(refused.body.detail).toContain('2 calendars');
    expect((await get(hours.id)).status).toBe(200);

    // The second calendar keeps it, so unlinking one is not enough.
    await h.send('POST', `/api/calendar/calendars/${cal.id}/availability_schedules`, {
      availability_schedule_id: spare.id,
    });
    expect(
      (await h.send('DELETE', `/api/calendar/calendars/${cal.id}/availability_schedules/${hours.id}`)).status,
    ).toBe(204);
    expect((await h.send('DELETE', `${schedules}/${hours.id}`)).body.detail).toContain('1 calendar');
  });

  it('when its only calendar unlinks it, then the delete is 204', async () => {
    const { owner, hours, cal } = await h.bookable();
    const spare = await h.schedule(owner.id);
    expect((await h.send('DELETE', `${schedules}/${hours.id}`)).status).toBe(409);

    await h.send('POST', `/api/calendar/calendars/${cal.id}/availability_schedules`, {
      availability_schedule_id: spare.id,
    });
    expect(
      (await h.send('DELETE', `/api/calendar/calendars/${cal.id}/availability_schedules/${hours.id}`)).status,
    ).toBe(204);
    expect((await h.send('DELETE', `${schedules}/${hours.id}`)).status).toBe(204);
  });

  it("when the schedule is unknown, then 404; when it is another user's, then 403 and it stays", async () => {
    const owner = await h.user();
    const other = await h.user();
    const hours = await h.schedule(owner.id);

    expect((await h.send('DELETE', `${schedules}/${UNKNOWN}`, undefined, as(owner))).status).toBe(404);
    expect((await h.send('DELETE', `${schedules}/${hours.id}`, undefined, as(other))).status).toBe(403);
    expect((await get(hours.id)).status).toBe(200);
  });
});
