/**
 * Availability and compare latency through the gateway, over real HTTP on loopback, against
 * the embedded system seeded through the API. Sequential requests on one keep-alive connection.
 */
import { buildEmbeddedSystem } from '@slotkeeper/gateway';
import { silentLogger } from '@slotkeeper/observability';
import { ManualClock } from '@slotkeeper/time';
import { DateTime } from 'luxon';
import { bearer, benchClient } from './bench-client.js';

const RANGE = { from: '2030-03-01T00:00:00Z', to: '2030-04-01T00:00:00Z' };

type Client = {
  call: (
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ) => ReturnType<ReturnType<typeof benchClient>['json']>;
};

function client(url: string) {
  const { json, close } = benchClient(url, 16);
  return { call: json, close };
}

const weekdays = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'];

/** A calendar with 3 schedules in 2 zones and `events` 15-minute bookings, `inRange` of them in RANGE. */
async function seedCalendar(http: Client, n: number, events: number, inRange = events) {
  const user = await http.call('POST', '/api/user/users', {
    name: 'Bench',
    email: `bench${n}-${Date.now()}@example.com`,
    timezone: 'Europe/Berlin',
  });
  const owner = bearer(user.api_key);
  const schedule = (name: string, timezone: string, days: string[], start: string, end: string) =>
    http.call(
      'POST',
      '/api/schedule/availability_schedules',
      {
        user_id: user.id,
        name,
        timezone,
        time_slots: days.map((day_of_week) => ({ day_of_week, start_time: start, end_time: end })),
      },
      owner,
    );
  const schedules = [
    await schedule('Mornings', 'Europe/Berlin', weekdays, '07:00', '12:00'),
    await schedule('Afternoons', 'Europe/Berlin', weekdays, '13:00', '19:00'),
    await schedule('Saturdays', 'America/New_York', ['saturday'], '10:00', '14:00'),
  ];
  const calendar = await http.call(
    'POST',
    '/api/calendar/calendars',
    {
      user_id: user.id,
      name: 'Bench',
      availability_schedule_ids: schedules.map((s) => s.id),
      meeting_duration_minutes: 15,
    },
    owner,
  );
  // Listed slots are bookable: take them from availability, spread evenly.
  const slotsIn = async (from: string, to: string) =>
    (await http.call('GET', `/api/calendar/calendars/${calendar.id}/availability?from=${from}&to=${to}`))
      .slots as Array<{ start_time: string; end_time: string }>;
  const pickEvenly = <T>(items: T[], count: number) =>
    Array.from({ length: count }, (_, i) => items[Math.floor((i * items.length) / count)]!);
  const targets = pickEvenly(await slotsIn(RANGE.from, RANGE.to), inRange);
  let cursor = DateTime.fromISO(RANGE.to, { zone: 'utc' });
  while (targets.length < events) {
    const next = cursor.plus({ days: 31 });
    targets.push(...(await slotsIn(cursor.toISO()!, next.toISO()!)).slice(0, events - targets.length));
    cursor = next;
  }
  for (let i = 0; i < targets.length; i += 32) {
    await Promise.all(
      targets.slice(i, i + 32).map((slot) =>
        http.call('POST', '/api/event/events', {
          calendar_id: calendar.id,
          title: 'Busy',
          start_time: slot.start_time,
          end_time: slot.end_time,
          booked_by: 'bench@example.com',
        }),
      ),
    );
  }
  return calendar.id;
}

/** Untimed requests before each case: enough that the first case, too, runs compiled code. */
const WARM_UP = 100;

async function measure(http: Client, path: string, requests: number) {
  for (let i = 0; i < WARM_UP; i++) await http.call('GET', path);
  const times: number[] = [];
  for (let i = 0; i < requests; i++) {
    const start = process.hrtime.bigint();
    await http.call('GET', path);
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!;
  return { median_ms: +at(0.5).toFixed(2), p99_ms: +at(0.99).toFixed(2) };
}

export async function benchAvailability(requests = 300) {
  // One client address sends everything here: the per-IP rate limit would measure itself.
  const system = await buildEmbeddedSystem({
    logger: silentLogger(),
    clock: new ManualClock('2030-01-01T00:00:00Z'),
    rateLimitPerMinute: 1_000_000_000,
  });
  const url = await system.gateway.listen({ port: 0, host: '127.0.0.1' });
  const http = client(url);
  const rows: Array<Record<string, string | number>> = [];
  try {
    const range = `from=${RANGE.from}&to=${RANGE.to}`;
    for (const [events, inRange] of [
      [100, 100],
      [1_000, 1_000],
      [10_000, 1_000],
    ] as const) {
      const id = await seedCalendar(http, events, events, inRange);
      rows.push({
        case: `availability, 31 days, 3 schedules, ${events} events (${inRange} in range)`,
        ...(await measure(http, `/api/calendar/calendars/${id}/availability?${range}`, requests)),
      });
    }
    const calendars: string[] = [];
    for (let i = 0; i < 20; i++) calendars.push(await seedCalendar(http, 100 + i, 100));
    for (const n of [2, 5, 10, 20]) {
      const ids = calendars.slice(0, n).join(',');
      rows.push({
        case: `compare ${n} calendars, 1 day`,
        ...(await measure(
          http,
          `/api/calendar/compare?calendar_ids=${ids}&date=2030-03-12&tz=Europe/Berlin`,
          requests,
        )),
      });
      rows.push({
        case: `compare ${n} calendars, 31 days`,
        ...(await measure(http, `/api/calendar/compare?calendar_ids=${ids}&${range}`, requests)),
      });
    }
  } finally {
    await http.close();
    await system.gateway.close();
  }
  return rows;
}
