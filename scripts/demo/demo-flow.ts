/**
 * The demo of the seed, as a client of the public API: two users in different zones, their
 * schedules and calendars, bookings (one a refused double booking), and a comparison of both
 * calendars for a Monday. Used by `pnpm demo` (then `owner-changes-flow.ts` goes on from here)
 * and by the end-to-end tests.
 */
import { apiClient, apiSetup, booking, expectStatus, weekly, WEEKDAYS } from '@slotkeeper/testing/api';
import { DateTime } from 'luxon';
import { demoSteps, type DemoStep } from './demo-steps.js';

export type { DemoStep } from './demo-steps.js';

export interface DemoReport {
  steps: DemoStep[];
  monday: string;
  overlaps: Array<{ start_time: string; end_time: string }>;
  aliceSlots: number;
  /** Alice's api key and the cancel token of Carol's booking with her, for callers to go on with. */
  credentials: { alice: string; carolsCancelToken: string };
  /** What the demo made, for callers to go on with. */
  ids: { alice: string; aliceHours: string; aliceCalendar: string; carolsBooking: string };
}

export async function runDemo(baseUrl: string, now = new Date()): Promise<DemoReport> {
  const client = apiClient(baseUrl);
  const api = apiSetup(client);
  const { steps, step, must } = demoSteps(client);

  const run = now.getTime().toString(36);
  // The first Monday at least two days ahead, so no booking is in the past or inside notice.
  const mondayDate = DateTime.fromJSDate(now, { zone: 'UTC' }).plus({ days: 2 }).startOf('week').plus({ weeks: 1 });
  const monday = mondayDate.toISODate()!;
  const at = (zone: string, time: string) => DateTime.fromISO(`${monday}T${time}`, { zone }).toISO()!;

  const alice = await must('create user Alice (Berlin)', 201, () =>
    api.user({ name: 'Alice', email: `alice+${run}@example.com`, timezone: 'Europe/Berlin' }),
  );
  const bob = await must('create user Bob (New York)', 201, () =>
    api.user({ name: 'Bob', email: `bob+${run}@example.com`, timezone: 'America/New_York' }),
  );
  const aliceHours = await must('Alice: work hours', 201, () =>
    api.schedule(alice, { time_slots: weekly(WEEKDAYS, ['09:00', '12:00'], ['13:00', '17:00']) }),
  );
  const bobHours = await must('Bob: work hours', 201, () =>
    api.schedule(bob, { time_slots: weekly(WEEKDAYS, ['08:00', '16:00']) }),
  );
  const aliceCal = await must('Alice: calendar "Intro calls"', 201, () =>
    api.calendar(alice, [aliceHours.id], { meeting_duration_minutes: 30, buffer_after_minutes: 10 }),
  );
  const bobCal = await must('Bob: calendar "Consulting"', 201, () =>
    api.calendar(bob, [bobHours.id], { name: 'Consulting', meeting_duration_minutes: 30 }),
  );

  const book = (name: string, calendarId: string, zone: string, from: string, to: string, expected: number) =>
    step(name, expected, () =>
      api.book(
        booking(calendarId, at(zone, from), at(zone, to), {
          title: name,
          booked_by: 'carol@example.com',
          guests: ['dan@example.com'],
        }),
      ),
    );
  const carols = (await book('book Alice 16:00 Berlin', aliceCal.id, 'Europe/Berlin', '16:00', '16:30', 201))!;
  await book('double-book Alice 16:15 Berlin', aliceCal.id, 'Europe/Berlin', '16:15', '16:45', 409);
  await book('book Alice 12:30 Berlin (lunch)', aliceCal.id, 'Europe/Berlin', '12:30', '13:00', 422);
  await book('book Bob 09:00 New York', bobCal.id, 'America/New_York', '09:00', '09:30', 201);

  const day = `${monday}T00:00:00Z`;
  const nextDay = mondayDate.plus({ days: 1 }).toISODate() + 'T00:00:00Z';
  const availability = await must('Alice: availability on Monday', 200, () =>
    api.availability(aliceCal.id, day, nextDay),
  );
  const comparison = await must('compare Alice and Bob on Monday', 200, () =>
    expectStatus(
      client.GET('/api/calendar/compare', {
        params: { query: { calendar_ids: `${aliceCal.id},${bobCal.id}`, date: monday, tz: 'UTC' } },
      }),
      200,
    ),
  );

  // Ownership: a calendar's detail is its owner's; a booker holds a cancel token for one event.
  await step("Bob reads Alice's calendar", 403, () => api.calendarDetail(aliceCal.id, bob.api_key));
  await step("Alice's calendar, no key", 401, () => api.calendarDetail(aliceCal.id, undefined));
  await step('Carol reads her booking', 200, () => api.event(carols.id, carols.cancel_token));

  return {
    steps,
    monday,
    overlaps: comparison.overlaps,
    aliceSlots: availability.slots?.length ?? 0,
    credentials: { alice: alice.api_key, carolsCancelToken: carols.cancel_token },
    ids: { alice: alice.id, aliceHours: aliceHours.id, aliceCalendar: aliceCal.id, carolsBooking: carols.id },
  };
}
