/**
 * The demo goes on where `runDemo` left off: Alice changes her working hours and her calendar
 * offers the new ones at once, Carol moves her booking with her cancel token (its old time is
 * free again), and Alice replaces her api key (the old one is refused on the next request).
 */
import { apiClient, apiSetup, booking, weekly, WEEKDAYS, type Availability } from '@slotkeeper/testing/api';
import { DateTime } from 'luxon';
import type { DemoReport } from './demo-flow.js';
import { demoSteps, type DemoStep } from './demo-steps.js';

const BERLIN = 'Europe/Berlin';

export interface OwnerChangesReport {
  steps: DemoStep[];
  /** Alice's Monday after the edit: how many 30-minute slots, the first and the last (Berlin). */
  newHours: { slots: number; first: string; last: string };
  /** Carol's booking, before and after she moved it (Berlin wall clock). */
  moved: { from: string; to: string };
  /** Alice's api key after the rotation. */
  aliceKey: string;
}

/** `HH:mm` in Berlin of an instant the API answered. */
const berlin = (instant: string) => DateTime.fromISO(instant).setZone(BERLIN).toFormat('HH:mm');
const slotStarts = (availability: Availability) => (availability.slots ?? []).map((s) => berlin(s.start_time));

export async function runOwnerChanges(baseUrl: string, seed: DemoReport): Promise<OwnerChangesReport> {
  const client = apiClient(baseUrl);
  const api = apiSetup(client);
  const { steps, step, must } = demoSteps(client);
  const alice = { id: seed.ids.alice, api_key: seed.credentials.alice };
  const calendarId = seed.ids.aliceCalendar;
  const at = (time: string) => DateTime.fromISO(`${seed.monday}T${time}`, { zone: BERLIN }).toISO()!;
  const monday = () =>
    api.availability(
      calendarId,
      `${seed.monday}T00:00:00Z`,
      DateTime.fromISO(seed.monday).plus({ days: 1 }).toISODate()! + 'T00:00:00Z',
    );

  // Working hours: 10–18 without a lunch break, offered as soon as the change answers.
  await must(
    'Alice: hours now 10:00–18:00, no lunch break',
    200,
    () => api.updateSchedule(alice, seed.ids.aliceHours, { time_slots: weekly(WEEKDAYS, ['10:00', '18:00']) }),
    (schedule) => `Mon–Fri ${schedule.time_slots[0]?.start_time}–${schedule.time_slots[0]?.end_time}`,
  );
  const after = await must('Alice: availability on Monday (new hours)', 200, monday, (a) => {
    const starts = slotStarts(a);
    return `${starts.length} slots, ${starts[0]}…${starts[starts.length - 1]}`;
  });
  const starts = slotStarts(after);
  await must('book Alice 12:30 Berlin (lunch now open)', 201, () =>
    api.book(booking(calendarId, at('12:30'), at('13:00'), { title: 'Lunch talk', booked_by: 'dan@example.com' })),
  );

  // Carol moves her 16:00 booking with the cancel token from her confirmation.
  const moved = await must(
    'Carol moves her 16:00 to 10:00 (cancel token)',
    200,
    () =>
      api.reschedule(
        seed.ids.carolsBooking,
        { start_time: at('10:00'), end_time: at('10:30') },
        seed.credentials.carolsCancelToken,
      ),
    (event) => `now ${berlin(event.start_time)}–${berlin(event.end_time)} Berlin`,
  );
  await must(
    'Alice: 16:00–16:30 free again',
    200,
    async () => {
      const free = (await monday()).free.find(
        (f) => Date.parse(f.start_time) <= Date.parse(at('16:00')) && Date.parse(at('16:30')) <= Date.parse(f.end_time),
      );
      if (!free) throw new Error('16:00–16:30 is not free again');
      return free;
    },
    (free) => `free ${berlin(free.start_time)}–${berlin(free.end_time)}`,
  );
  await must('Erin books Alice 16:00 Berlin', 201, () =>
    api.book(booking(calendarId, at('16:00'), at('16:30'), { title: 'Demo', booked_by: 'erin@example.com' })),
  );

  // A new api key: the old one is refused from the very next request.
  const { api_key } = await must(
    'Alice: rotate her api key',
    201,
    () => api.rotateApiKey(alice),
    () => 'new key',
  );
  await step("Alice's calendar, old key", 401, () => api.calendarDetail(calendarId, alice.api_key));
  await must(
    "Alice's calendar, new key",
    200,
    () => api.calendarDetail(calendarId, api_key),
    (c) => c.name,
  );

  return {
    steps,
    newHours: { slots: starts.length, first: starts[0] ?? '–', last: starts[starts.length - 1] ?? '–' },
    moved: { from: '16:00', to: `${berlin(moved.start_time)}` },
    aliceKey: api_key,
  };
}
