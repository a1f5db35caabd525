/**
 * The demo of the seed, as a client of the public API: two users in different zones, their
 * schedules and calendars, bookings (one a refused double booking), and a comparison of both
 * calendars for a Monday. Used by `pnpm demo` and by the end-to-end test.
 */
import { DateTime } from 'luxon';

export interface DemoStep {
  step: string;
  status: number;
  result: string;
}

export interface DemoReport {
  steps: DemoStep[];
  monday: string;
  overlaps: Array<{ start_time: string; end_time: string }>;
  aliceSlots: number;
  /** Alice's api key and the cancel token of Carol's booking with her, for callers to go on with. */
  credentials: { alice: string; carolsCancelToken: string };
}

type Body = Record<string, unknown> & { id: string };

export async function runDemo(baseUrl: string, now = new Date()): Promise<DemoReport> {
  const steps: DemoStep[] = [];
  const call = async (
    step: string,
    method: string,
    path: string,
    body?: unknown,
    expected?: number,
    /** An api key or cancel token to send as the bearer. */
    token?: unknown,
  ) => {
    const response = await fetch(new URL(path, baseUrl), {
      method,
      headers: {
        ...(body !== undefined && { 'content-type': 'application/json' }),
        ...(typeof token === 'string' && { authorization: `Bearer ${token}` }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const json = (response.status === 204 ? {} : await response.json()) as Body;
    const result = response.ok ? String(json.id ?? 'ok') : String(json.title ?? response.statusText);
    steps.push({ step, status: response.status, result });
    if (expected !== undefined && response.status !== expected) {
      throw new Error(`${step}: expected ${expected}, got ${response.status} ${JSON.stringify(json)}`);
    }
    return json;
  };

  const run = now.getTime().toString(36);
  const weekdays = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'];
  const slots = (ranges: Array<[string, string]>) =>
    weekdays.flatMap((day) => ranges.map(([start_time, end_time]) => ({ day_of_week: day, start_time, end_time })));
  // The first Monday at least two days ahead, so no booking is in the past or inside notice.
  const mondayDate = DateTime.fromJSDate(now, { zone: 'UTC' }).plus({ days: 2 }).startOf('week').plus({ weeks: 1 });
  const monday = mondayDate.toISODate()!;
  const at = (zone: string, time: string) => DateTime.fromISO(`${monday}T${time}`, { zone }).toISO()!;

  const alice = await call(
    'create user Alice (Berlin)',
    'POST',
    '/api/user/users',
    { name: 'Alice', email: `alice+${run}@example.com`, timezone: 'Europe/Berlin' },
    201,
  );
  const bob = await call(
    'create user Bob (New York)',
    'POST',
    '/api/user/users',
    { name: 'Bob', email: `bob+${run}@example.com`, timezone: 'America/New_York' },
    201,
  );
  const aliceHours = await call(
    'Alice: work hours',
    'POST',
    '/api/schedule/availability_schedules',
    {
      user_id: alice.id,
      name: 'Work hours',
      time_slots: slots([
        ['09:00', '12:00'],
        ['13:00', '17:00'],
      ]),
    },
    201,
    alice.api_key,
  );
  const bobHours = await call(
    'Bob: work hours',
    'POST',
    '/api/schedule/availability_schedules',
    {
      user_id: bob.id,
      name: 'Work hours',
      time_slots: slots([['08:00', '16:00']]),
    },
    201,
    bob.api_key,
  );
  const aliceCal = await call(
    'Alice: calendar "Intro calls"',
    'POST',
    '/api/calendar/calendars',
    {
      user_id: alice.id,
      name: 'Intro calls',
      availability_schedule_ids: [aliceHours.id],
      meeting_duration_minutes: 30,
      buffer_after_minutes: 10,
    },
    201,
    alice.api_key,
  );
  const bobCal = await call(
    'Bob: calendar "Consulting"',
    'POST',
    '/api/calendar/calendars',
    {
      user_id: bob.id,
      name: 'Consulting',
      availability_schedule_ids: [bobHours.id],
      meeting_duration_minutes: 30,
    },
    201,
    bob.api_key,
  );

  const book = (step: string, calendarId: string, zone: string, from: string, to: string, expected: number) =>
    call(
      step,
      'POST',
      '/api/event/events',
      {
        calendar_id: calendarId,
        title: step,
        start_time: at(zone, from),
        end_time: at(zone, to),
        booked_by: 'carol@example.com',
        guests: ['dan@example.com'],
      },
      expected,
    );
  const carols = await book('book Alice 16:00 Berlin', aliceCal.id, 'Europe/Berlin', '16:00', '16:30', 201);
  await book('double-book Alice 16:15 Berlin', aliceCal.id, 'Europe/Berlin', '16:15', '16:45', 409);
  await book('book Alice 12:30 Berlin (lunch)', aliceCal.id, 'Europe/Berlin', '12:30', '13:00', 422);
  await book('book Bob 09:00 New York', bobCal.id, 'America/New_York', '09:00', '09:30', 201);

  const day = `${monday}T00:00:00Z`;
  const nextDay = mondayDate.plus({ days: 1 }).toISODate() + 'T00:00:00Z';
  const availability = await call(
    'Alice: availability on Monday',
    'GET',
    `/api/calendar/calendars/${aliceCal.id}/availability?from=${day}&to=${nextDay}`,
    undefined,
    200,
  );
  const comparison = await call(
    'compare Alice and Bob on Monday',
    'GET',
    `/api/calendar/compare?calendar_ids=${aliceCal.id},${bobCal.id}&date=${monday}&tz=UTC`,
    undefined,
    200,
  );

  // Ownership: a calendar's detail is its owner's; a booker holds a cancel token for one event.
  await call(
    "Bob reads Alice's calendar",
    'GET',
    `/api/calendar/calendars/${aliceCal.id}`,
    undefined,
    403,
    bob.api_key,
  );
  await call("Alice's calendar, no key", 'GET', `/api/calendar/calendars/${aliceCal.id}`, undefined, 401);
  await call('Carol reads her booking', 'GET', `/api/event/events/${carols.id}`, undefined, 200, carols.cancel_token);

  return {
    steps,
    monday,
    overlaps: comparison.overlaps as DemoReport['overlaps'],
    aliceSlots: (availability.slots as unknown[]).length,
    credentials: { alice: String(alice.api_key), carolsCancelToken: String(carols.cancel_token) },
  };
}
