/**
 * The calendar lifecycle through the gateway: list, change, re-time links, the public view, and
 * delete; each change in force for the very next booking or availability request.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { errorPaths, useHarness } from './harness.js';

const h = useHarness('2030-06-24T06:00:00Z');
beforeEach(() => h.clock.set('2030-06-24T06:00:00Z'));

// Monday 2030-06-24 in Berlin (UTC+2): `bookable()` is open 07–10 and 11–15 UTC.
const DAY = 'from=2030-06-24T00:00:00Z&to=2030-06-25T00:00:00Z';
const UNKNOWN = 'ffffffffffffffffffffffff';
const calendars = '/api/calendar/calendars';
const slotStarts = (body: { slots: Array<{ start_time: string }> }) =>
  body.slots.map((s) => s.start_time.slice(11, 16));
const as = (user: Record<string, unknown>) => ({ authorization: `Bearer ${String(user.api_key)}` });

describe('listing calendars', () => {
  it('when the owner lists, then they get their calendars without events, by creation', async () => {
    const owner = await h.user();
    const hours = await h.schedule(owner.id);
    const first = await h.calendar(owner.id, [hours.id], { name: 'First' });
    h.clock.advance(1);
    const second = await h.calendar(owner.id, [], { name: 'Second' });
    await h.calendar((await h.user()).id, [], { name: 'Not theirs' });

    const listed = await h.send('GET', `${calendars}?user_id=${owner.id}`);

    expect(listed.status).toBe(200);
    expect(listed.body.map((c: { name: string }) => c.name)).toEqual(['First', 'Second']);
    expect(listed.body.map((c: { id: string }) => c.id)).toEqual([first.id, second.id]);
    expect(listed.body[0]).not.toHaveProperty('events');
    expect(listed.body[0].availability_schedules.map((l: { name: string }) => l.name)).toHaveLength(1);
  });

  it("when a user asks for another user's calendars, then 403", async () => {
    const [owner, other] = [await h.user(), await h.user()];
    const res = await h.send('GET', `${calendars}?user_id=${other.id}`, undefined, as(owner));
    expect(res.status).toBe(403);
  });

  it('when the user id is malformed, then 400 names it', async () => {
    const owner = await h.user();
    const res = await h.send('GET', `${calendars}?user_id=nope`, undefined, as(owner));
    expect(res.status).toBe(400);
    expect(errorPaths(res.body)).toEqual(['querystring.user_id']);
  });
});

describe('changing a calendar', () => {
  it('when the owner changes the meeting length, then the answer shows it and the very next availability and booking use it', async () => {
    const { cal } = await h.bookable({ meeting_duration_minutes: 30, buffer_after_minutes: 15 });

    const res = await h.send('PATCH', `${calendars}/${cal.id}`, { name: 'Long calls', meeting_duration_minutes: 120 });

    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: cal.id,
      name: 'Long calls',
      meeting_duration_minutes: 120,
      buffer_after_minutes: 15,
      events: [],
    });
    const availability = await h.send('GET', `${calendars}/${cal.id}/availability?${DAY}`);
    expect(slotStarts(availability.body)).toEqual(['07:00', '11:00', '13:00']);
    expect((await h.book(cal.id, '2030-06-24T07:00:00Z', '2030-06-24T07:30:00Z')).status).toBe(422);
    expect((await h.book(cal.id, '2030-06-24T07:00:00Z', '2030-06-24T09:00:00Z')).status).toBe(201);
  });

  it('when a rule is null, then it is cleared to its default, and what is left out stays', async () => {
    const { cal } = await h.bookable({
      meeting_duration_minutes: 30,
      min_notice_minutes: 600,
      buffer_before_minutes: 5,
    });

    const res = await h.send('PATCH', `${calendars}/${cal.id}`, { min_notice_minutes: null });

    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: cal.name, min_notice_minutes: 0, buffer_before_minutes: 5 });
    // 07:00 UTC is one hour ahead: inside the old notice, bookable now.
    expect((await h.book(cal.id, '2030-06-24T07:00:00Z', '2030-06-24T07:30:00Z')).status).toBe(201);
    const detail = await h.send('GET', `${calendars}/${cal.id}`);
    expect(detail.body).toMatchObject({ min_notice_minutes: 0, meeting_duration_minutes: 30 });
  });

  it('when the body is bad, then 400 names every bad field and nothing changes', async () => {
    const { cal } = await h.bookable();
    const res = await h.send('PATCH', `${calendars}/${cal.id}`, {
      name: '',
      meeting_duration_minutes: 2,
      colour: 'red',
    });
    expect(res.status).toBe(400);
    expect(errorPaths(res.body)).toEqual(['colour', 'meeting_duration_minutes', 'name']);
    expect((await h.send('GET', `${calendars}/${cal.id}`)).body).toMatchObject({
      name: cal.name,
      meeting_duration_minutes: 30,
    });
  });

  it('when another user changes it, then 403; an unknown calendar is 404', async () => {
    const { cal } = await h.bookable();
    const other = await h.user();
    expect((await h.send('PATCH', `${calendars}/${cal.id}`, { name: 'Mine' }, as(other))).status).toBe(403);
    expect((await h.send('PATCH', `${calendars}/${UNKNOWN}`, { name: 'X' }, as(other))).status).toBe(404);
  });
});

describe("changing a link's expiry", () => {
  it('when the owner moves the expiry, then the very next availability and booking follow it, and null lifts it', async () => {
    const { cal, hours } = await h.bookable();
    const link = `${calendars}/${cal.id}/availability_schedules/${hours.id}`;

    const res = await h.send('PATCH', link, { expires_on: '2030-06-24T09:00:00Z' });

    expect(res.status).toBe(200);
    expect(res.body.availability_schedules).toMatchObject([
      { availability_schedule_id: hours.id, expires_on: '2030-06-24T09:00:00.000Z' },
    ]);
    const availability = await h.send('GET', `${calendars}/${cal.id}/availability?${DAY}`);
    expect(slotStarts(availability.body).every((start) => start < '09:00')).toBe(true);
    expect((await h.book(cal.id, '2030-06-24T11:00:00Z', '2030-06-24T11:30:00Z')).status).toBe(422);

    const lifted = await h.send('PATCH', link, { expires_on: null });
    expect(lifted.status).toBe(200);
    expect(lifted.body.availability_schedules[0].expires_on).toBeNull();
    expect((await h.book(cal.id, '2030-06-24T11:00:00Z', '2030-06-24T11:30:00Z')).status).toBe(201);
  });

  it('when the expiry is past or malformed, then 400', async () => {
    const { cal, hours } = await h.bookable();
    const link = `${calendars}/${cal.id}/availability_schedules/${hours.id}`;
    const past = await h.send('PATCH', link, { expires_on: '2030-06-24T05:00:00Z' });
    expect(past.status).toBe(400);
    expect(errorPaths(past.body)).toEqual(['expires_on']);
    expect((await h.send('PATCH', link, { expires_on: 'soon' })).status).toBe(400);
    expect((await h.send('PATCH', link, {})).status).toBe(400);
  });

  it('when the schedule is not linked or the calendar unknown, then 404; another user 403', async () => {
    const { cal, owner } = await h.bookable();
    const unlinked = await h.schedule(owner.id);
    const body = { expires_on: null };
    expect((await h.send('PATCH', `${calendars}/${cal.id}/availability_schedules/${unlinked.id}`, body)).status).toBe(
      404,
    );
    expect(
      (await h.send('PATCH', `${calendars}/${UNKNOWN}/availability_schedules/${unlinked.id}`, body, as(owner))).status,
    ).toBe(404);
    const other = await h.user();
    expect(
      (await h.send('PATCH', `${calendars}/${cal.id}/availability_schedules/${unlinked.id}`, body, as(other))).status,
    ).toBe(403);
  });
});

describe('the public view of a calendar', () => {
  it("when anyone asks, then they see the calendar's name, rules and the owner's name and zone", async () => {
    const owner = await h.user('Asia/Kolkata');
    const cal = await h.calendar(owner.id, [], {
      name: 'Office hours',
      meeting_duration_minutes: 45,
      booking_horizon_days: 30,
    });

    const res = await h.send('GET', `${calendars}/${cal.id}/public`, undefined, { authorization: '' });

    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      id: cal.id,
      name: 'Office hours',
      owner_name: owner.name,
      timezone: 'Asia/Kolkata',
      meeting_duration_minutes: 45,
      slot_interval_minutes: null,
      booking_horizon_days: 30,
      min_notice_minutes: 0,
    });
  });

  it('when the calendar is unknown, then 404; a malformed id 400', async () => {
    expect((await h.send('GET', `${calendars}/${UNKNOWN}/public`, undefined, { authorization: '' })).status).toBe(404);
    expect((await h.send('GET', `${calendars}/nope/public`, undefined, { authorization: '' })).status).toBe(400);
  });
});

describe('deleting a calendar', () => {
  it('when it has no event to come, then it is gone: 204, then 404 to its owner, availability and bookings', async () => {
    const { cal, owner } = await h.bookable();

    expect((await h.send('DELETE', `${calendars}/${cal.id}`)).status).toBe(204);

    expect((await h.send('GET', `${calendars}/${cal.id}`, undefined, as(owner))).status).toBe(404);
    expect((await h.send('GET', `${calendars}/${cal.id}/public`, undefined, { authorization: '' })).status).toBe(404);
    expect((await h.send('GET', `${calendars}/${cal.id}/availability?${DAY}`)).status).toBe(404);
    expect((await h.book(cal.id, '2030-06-24T07:00:00Z', '2030-06-24T07:30:00Z', {}, as(owner))).status).toBe(404);
    expect((await h.send('GET', `${calendars}?user_id=${owner.id}`)).body).toEqual([]);
    expect((await h.send('DELETE', `${calendars}/${cal.id}`, undefined, as(owner))).status).toBe(404);
  });

  it('when it has a confirmed event still to come, then 409 and it stays, open to bookings', async () => {
    const { cal } = await h.bookable();
    const booked = await h.book(cal.id, '2030-06-24T07:00:00Z', '2030-06-24T07:30:00Z');
    expect(booked.status).toBe(201);

    const refused = await h.send('DELETE', `${calendars}/${cal.id}`);

    expect(refused.status).toBe(409);
    expect(refused.headers['content-type']).toMatch(/problem\+json/);
    expect(refused.body).toMatchObject({ status: 409, type: expect.stringMatching(/conflict$/) });
    expect((await h.send('GET', `${calendars}/${cal.id}`)).status).toBe(200);
    expect((await h.book(cal.id, '2030-06-24T08:00:00Z', '2030-06-24T08:30:00Z')).status).toBe(201);
  });

  it('when its only events are canceled, then it deletes', async () => {
    const { cal } = await h.bookable();
    const booked = await h.book(cal.id, '2030-06-24T07:00:00Z', '2030-06-24T07:30:00Z');
    expect((await h.send('DELETE', `/api/event/events/${booked.body.id}`)).status).toBe(204);
    expect((await h.send('DELETE', `${calendars}/${cal.id}`)).status).toBe(204);
  });

  it('when another user deletes it, then 403 and it stays; a malformed id 400', async () => {
    const { cal } = await h.bookable();
    const other = await h.user();
    expect((await h.send('DELETE', `${calendars}/${cal.id}`, undefined, as(other))).status).toBe(403);
    expect((await h.send('GET', `${calendars}/${cal.id}`)).status).toBe(200);
    expect((await h.send('DELETE', `${calendars}/nope`, undefined, as(other))).status).toBe(400);
  });
});

describe("a linked schedule's change", () => {
  it('when the owner changes the hours of a linked schedule, then the very next availability and booking of every calendar linking it use them', async () => {
    const { cal, owner, hours } = await h.bookable();
    const second = await h.calendar(owner.id, [hours.id], { meeting_duration_minutes: 30 });

    // Monday 14:00–18:00 Berlin only (12–16 UTC).
    const res = await h.send('PATCH', `/api/schedule/availability_schedules/${hours.id}`, {
      name: 'Afternoons',
      time_slots: [{ day_of_week: 'monday', start_time: '14:00', end_time: '18:00' }],
    });

    expect(res.status).toBe(200);
    for (const id of [cal.id, second.id]) {
      const availability = await h.send('GET', `${calendars}/${id}/availability?${DAY}`);
      expect(availability.body.free).toEqual([
        { start_time: '2030-06-24T12:00:00.000Z', end_time: '2030-06-24T16:00:00.000Z' },
      ]);
    }
    expect((await h.book(cal.id, '2030-06-24T07:00:00Z', '2030-06-24T07:30:00Z')).status).toBe(422);
    expect((await h.book(second.id, '2030-06-24T15:30:00Z', '2030-06-24T16:00:00Z')).status).toBe(201);
    const detail = await h.send('GET', `${calendars}/${cal.id}`);
    expect(detail.body.availability_schedules[0].name).toBe('Afternoons');
    expect(detail.body.availability_schedules[0].time_slots).toEqual(res.body.time_slots);
    expect(detail.body.availability_schedules[0].time_slots).toMatchObject([
      { day_of_week: 'monday', start_time: '14:00', end_time: '18:00' },
    ]);
  });

  it('when a linked schedule is deleted, then 409; once unlinked everywhere, it deletes', async () => {
    const { cal, hours } = await h.bookable();
    const refused = await h.send('DELETE', `/api/schedule/availability_schedules/${hours.id}`);
    expect(refused.status).toBe(409);
    expect((await h.send('DELETE', `${calendars}/${cal.id}/availability_schedules/${hours.id}`)).status).toBe(204);
    expect((await h.send('DELETE', `/api/schedule/availability_schedules/${hours.id}`)).status).toBe(204);
  });
});
