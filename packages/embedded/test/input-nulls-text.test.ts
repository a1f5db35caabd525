import { describe, expect, it } from 'vitest';
import { errorPaths, NINE, NINE_THIRTY, useHarness } from './harness.js';

const h = useHarness();

const RULES = [
  'meeting_duration_minutes',
  'buffer_before_minutes',
  'buffer_after_minutes',
  'min_notice_minutes',
  'slot_interval_minutes',
  'booking_horizon_days',
] as const;

describe('null for an optional field means the same as leaving it out', () => {
  it('creates a user whose timezone is null in UTC', async () => {
    const res = await h.send('POST', '/api/user/users', { name: 'Ann', email: 'null1@example.com', timezone: null });
    expect(res.status).toBe(201);
    expect(res.body.timezone).toBe('UTC');
  });

  it("creates a schedule with null timezone and overrides: the user's zone, no overrides", async () => {
    const user = await h.user('Asia/Tokyo');
    const res = await h.send('POST', '/api/schedule/availability_schedules', {
      user_id: user.id,
      name: 'Hours',
      timezone: null,
      time_slots: [],
      date_overrides: null,
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ timezone: 'Asia/Tokyo', date_overrides: [] });
  });

  it('takes back the booking rules and links a GET returned, nulls included', async () => {
    const owner = await h.user();
    const hours = await h.schedule(owner.id);
    const first = await h.calendar(owner.id, [hours.id]);
    const detail = (await h.send('GET', `/api/calendar/calendars/${first.id}`)).body;
    expect(detail.meeting_duration_minutes).toBeNull();
    expect(detail.availability_schedules[0].expires_on).toBeNull();

    const rules = Object.fromEntries(RULES.map((rule) => [rule, detail[rule]]));
    const links = detail.availability_schedules.map(
      (link: { availability_schedule_id: string; expires_on: string | null }) => ({
        availability_schedule_id: link.availability_schedule_id,
        expires_on: link.expires_on,
      }),
    );
    const again = await h.send('POST', '/api/calendar/calendars', {
      user_id: owner.id,
      name: detail.name,
      availability_schedule_ids: null,
      availability_schedules: links,
      ...rules,
    });
    expect(again.status).toBe(201);
    expect(again.body).toMatchObject({ ...rules, availability_schedules: detail.availability_schedules });
  });

  it('links a schedule with expires_on null as a link that never expires', async () => {
    const { owner, cal } = await h.bookable();
    const extra = await h.schedule(owner.id, { name: 'Extra' });
    const res = await h.send('POST', `/api/calendar/calendars/${cal.id}/availability_schedules`, {
      availability_schedule_id: extra.id,
      expires_on: null,
    });
    expect(res.status).toBe(201);
    expect(res.body.availability_schedules[1]).toMatchObject({ availability_schedule_id: extra.id, expires_on: null });
  });

  it('books with null booker_name, notes and guests', async () => {
    const { cal } = await h.bookable();
    const res = await h.book(cal.id, NINE, NINE_THIRTY, { booker_name: null, notes: null, guests: null });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ booker_name: null, notes: null, guests: [] });
  });

  it('still refuses null for a required field, naming it', async () => {
    const res = await h.send('POST', '/api/user/users', { name: null, email: 'null2@example.com' });
    expect(res.status).toBe(400);
    expect(errorPaths(res.body)).toEqual(['name']);
  });
});

describe('text fields refuse control characters and unpaired surrogates, naming the field', () => {
  it.each([
    ['a NUL', 'Ann\u0000'],
    ['an escape sequence', '\u001b[2JAnn'],
    ['a line break', 'Ann\nLee'],
    ['a C1 control', 'Ann\u0085'],
  ])('refuses a user name with %s', async (_what, name) => {
    const res = await h.send('POST', '/api/user/users', { name, email: 'text1@example.com' });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ path: 'name', message: 'must not contain control characters' }]);
  });

  it('refuses a lone surrogate (a JSON \\ud800 escape) in a calendar or schedule name', async () => {
    const owner = await h.user();
    // A raw body, so the escape reaches the server as written; the key goes with it by hand.
    const key = { authorization: `Bearer ${String(owner.api_key)}` };
    const schedule = await h.send(
      'POST',
      '/api/schedule/availability_schedules',
      `{"user_id":"${owner.id}","name":"Hours \\ud800","time_slots":[]}`,
      key,
    );
    expect(schedule.status).toBe(400);
    expect(schedule.body.errors).toEqual([{ path: 'name', message: 'must not contain unpaired UTF-16 surrogates' }]);
    const calendar = await h.send(
      'POST',
      '/api/calendar/calendars',
      `{"user_id":"${owner.id}","name":"\\udc00Intro"}`,
      key,
    );
    expect(calendar.status).toBe(400);
    expect(calendar.body.errors).toEqual([{ path: 'name', message: 'must not contain unpaired UTF-16 surrogates' }]);
  });

  it('refuses control characters in a booking’s title and booker_name, and a lone CR in its notes', async () => {
    const { cal } = await h.bookable();
    const res = await h.book(cal.id, NINE, NINE_THIRTY, {
      title: 'Intro\u0007',
      booker_name: 'Ann\tLee',
      notes: 'line one\rline two',
    });
    expect(res.status).toBe(400);
    expect(errorPaths(res.body)).toEqual(['booker_name', 'notes', 'title']);
  });

  it('takes notes with tabs and line breaks, and names with any real character', async () => {
    const { cal } = await h.bookable();
    const notes = 'Agenda:\r\n\t1. intro\n\t2. offer 😀';
    const res = await h.book(cal.id, NINE, NINE_THIRTY, { title: 'Zoë – 李 😀', booker_name: 'Zoë Ünal', notes });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ title: 'Zoë – 李 😀', booker_name: 'Zoë Ünal', notes });
  });
});
