/**
 * Availability and compare latency through the gateway, over real HTTP on loopback, against
 * the embedded system seeded through the API. Sequential requests on one keep-alive connection.
 */
import { createServer, type AddressInfo } from 'node:net';
import { buildEmbeddedSystem } from '@slotkeeper/embedded';
import { silentLogger } from '@slotkeeper/observability';
import {
  ALL_DAYS,
  apiClient,
  apiSetup,
  booking,
  weekly,
  WEEKDAYS,
  wallClock,
  type ApiSetup,
  type Weekday,
} from '@slotkeeper/testing/api';
import { ManualClock } from '@slotkeeper/time';
import { DateTime } from 'luxon';
import { startEmbeddedProcess } from '../stack/launch.js';
import { busyCalendar, serveCalendars } from './busy-calendars.js';
import { benchClient } from './timed-client.js';

const NOW = '2030-01-01T00:00:00Z';
const RANGE = { from: '2030-03-01T00:00:00Z', to: '2030-04-01T00:00:00Z' };

/** The measuring client: keep-alive connections, each call timed. */
type Timing = ReturnType<typeof benchClient>;

/** A calendar with 3 schedules in 2 zones and `events` 15-minute bookings, `inRange` of them in RANGE. */
async function seedCalendar(api: ApiSetup, n: number, events: number, inRange = events) {
  const owner = await api.user({
    name: 'Bench',
    email: `bench${n}-${Date.now()}@example.com`,
    timezone: 'Europe/Berlin',
  });
  const schedule = (name: string, timezone: string, days: readonly Weekday[], start: string, end: string) =>
    api.schedule(owner, { name, timezone, time_slots: weekly(days, [start, end]) });
  const schedules = [
    await schedule('Mornings', 'Europe/Berlin', WEEKDAYS, '07:00', '12:00'),
    await schedule('Afternoons', 'Europe/Berlin', WEEKDAYS, '13:00', '19:00'),
    await schedule('Saturdays', 'America/New_York', ['saturday'], '10:00', '14:00'),
  ];
  const calendar = await api.calendar(
    owner,
    schedules.map((s) => s.id),
    { name: 'Bench', meeting_duration_minutes: 15 },
  );
  // Listed slots are bookable: take them from availability, spread evenly.
  const slotsIn = async (from: string, to: string) => (await api.availability(calendar.id, from, to)).slots ?? [];
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
      targets
        .slice(i, i + 32)
        .map((slot) =>
          api.book(
            booking(calendar.id, slot.start_time, slot.end_time, { title: 'Busy', booked_by: 'bench@example.com' }),
          ),
        ),
    );
  }
  return { id: calendar.id, owner };
}

/** Untimed requests before each case: enough that the first case, too, runs compiled code. */
const WARM_UP = 100;

async function measure(http: Timing, path: string, requests: number, warmUp = WARM_UP) {
  for (let i = 0; i < warmUp; i++) await http.json('GET', path);
  const times: number[] = [];
  for (let i = 0; i < requests; i++) {
    const start = process.hrtime.bigint();
    await http.json('GET', path);
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return summary(times);
}

function summary(times: number[]) {
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!;
  return { median_ms: +at(0.5).toFixed(2), p99_ms: +at(0.99).toFixed(2), p90_ms: +at(0.9).toFixed(2) };
}

/** Ten zones, DST-heavy and odd offsets among them: each calendar links one schedule in each. */
const HEAVY_ZONES = [
  'Europe/Berlin',
  'America/New_York',
  'Asia/Kolkata',
  'Asia/Kathmandu',
  'Australia/Lord_Howe',
  'Pacific/Chatham',
  'America/Sao_Paulo',
  'Asia/Tokyo',
  'Europe/London',
  'America/Los_Angeles',
];

/** The standard UTC offset of each heavy zone in March, minutes: where its local day begins. */
const HEAVY_OFFSETS = [60, -300, 330, 345, 660, 825, -180, 540, 0, -480];

/**
 * The most fragmented calendars the contract permits: 10 schedules (one in each zone) of 200
 * weekly slots (29 a day, 26 on Sundays) every 5 minutes, each schedule in its own band of the UTC day so that
 * no two merge: about 285 free intervals a day, 8,900 a month, per calendar. The first band is
 * the same 3-minute slots in every calendar (all 20 free at once: 29 intervals a day that list
 * all 20); in the other bands the slots last a minute and calendar c starts them c mod 5
 * minutes late, so that at most 4 calendars are free at once there.
 */
async function seedHeaviestCalendars(api: ApiSetup, count: number): Promise<string[]> {
  const owner = await api.user({ name: 'Heavy', email: `heavy-${Date.now()}@example.com`, timezone: 'Europe/Berlin' });
  const ids: string[] = [];
  for (let c = 0; c < count; c++) {
    const schedules: string[] = [];
    for (let j = 0; j < HEAVY_ZONES.length; j++) {
      // 145 minutes from this band of the UTC day on, read on the zone's wall clock.
      const band = Math.min(24 * 60 - 146, (((j * 144 + HEAVY_OFFSETS[j]!) % 1440) + 1440) % 1440);
      const [shift, length] = j === 0 ? [0, 3] : [c % 5, 1];
      const time_slots = ALL_DAYS.flatMap((day_of_week, d) =>
        Array.from({ length: d === 6 ? 26 : 29 }, (_, k) => {
          const start = band + k * 5 + shift;
          return { day_of_week, start_time: wallClock(start), end_time: wallClock(start + length) };
        }),
      );
      const created = await api.schedule(owner, { name: `Heavy ${c}/${j}`, timezone: HEAVY_ZONES[j]!, time_slots });
      schedules.push(created.id);
    }
    ids.push((await api.calendar(owner, schedules, { name: `Heavy ${c}` })).id);
  }
  return ids;
}

/** `requests` sequential calls that must answer `status`, after `warmUp` untimed ones. */
async function measureRaw(http: Timing, path: string, status: number, requests: number, warmUp: number) {
  const times: number[] = [];
  for (let i = 0; i < warmUp + requests; i++) {
    const answer = await http.call('GET', path);
    if (answer.status !== status) throw new Error(`${path} answered ${answer.status}: ${answer.body.slice(0, 300)}`);
    if (i >= warmUp) times.push(answer.ms);
  }
  return summary(times);
}

/**
 * The heaviest permitted public comparison (the calendars of `seedHeaviestCalendars`, a month
 * and an hour, quorum 10: about 900 intervals that list all 20 calendars) alone, sequentially;
 * the same with quorum 2, which finds more than the contract's 1,000 intervals and is refused;
 * then four heaviest comparisons at once, back to back for 10 s, while `/health` is asked every
 * 10 ms: how long each waits.
 */
export async function benchHeaviestCompare(api: ApiSetup, http: Timing, requests = 300) {
  const ids = await seedHeaviestCalendars(api, 20);
  const base =
    `/api/calendar/compare?calendar_ids=${ids.join(',')}` + `&from=2030-03-01T00:00:00Z&to=2030-04-01T01:00:00Z`;
  const path = `${base}&quorum=10`;
  const answer = await http.call('GET', path);
  const overlaps = (JSON.parse(answer.body) as { overlaps: unknown[] }).overlaps.length;
  const size = Math.round(answer.body.length / 1024);
  const alone = await measureRaw(http, path, 200, requests, 10);
  const refused = await measureRaw(http, `${base}&quorum=2`, 400, requests, 10);

  const compareTimes: number[] = [];
  const healthTimes: number[] = [];
  const until = performance.now() + 10_000;
  let running = true;
  const compares = Array.from({ length: 4 }, async () => {
    while (performance.now() < until) compareTimes.push((await http.call('GET', path)).ms);
  });
  const health = (async () => {
    while (running) {
      const answer = await http.call('GET', '/health');
      if (answer.status !== 200) throw new Error(`/health answered ${answer.status}`);
      healthTimes.push(answer.ms);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  })();
  await Promise.all(compares);
  running = false;
  await health;
  const heaviest = '20 calendars × 10 schedules × 200 slots in 10 zones, 31 days + 1 h';
  return [
    { case: `heaviest compare, quorum 10 (${overlaps} intervals of 20, ${size} KiB): ${heaviest}`, ...alone },
    { case: `the same, quorum 2: over 1,000 intervals, refused (400)`, ...refused },
    { case: `heaviest compare, 4 at once for 10 s (${compareTimes.length} answered)`, ...summary(compareTimes) },
    { case: `/health meanwhile, every 10 ms (${healthTimes.length} answered)`, ...summary(healthTimes) },
  ];
}

export async function benchAvailability(requests = 300) {
  // The heaviest case first, and in a process of its own, as `pnpm start` runs it: here the
  // load generator, which reads every 558 KiB answer, would share the event loop it measures;
  // and first, before this process holds a seeded system of its own, whose collections would
  // pause the generator in the middle of timing an answer.
  const rows: Array<Record<string, string | number>> = [];
  const own = await startEmbeddedProcess(await freePort(), { RATE_LIMIT_PER_MINUTE: '1000000000' });
  const apart = benchClient(own.url, 16);
  try {
    rows.push(...(await benchHeaviestCompare(apiSetup(apiClient(own.url)), apart)));
  } finally {
    await apart.close();
    await own.stop();
  }
  await inEmbeddedSystem(async (api, http, url) => {
    const range = `from=${RANGE.from}&to=${RANGE.to}`;
    for (const [events, inRange] of [
      [100, 100],
      [1_000, 1_000],
      [10_000, 1_000],
    ] as const) {
      const { id } = await seedCalendar(api, events, events, inRange);
      rows.push({
        case: `availability, 31 days, 3 schedules, ${events} events (${inRange} in range)`,
        ...(await measure(http, `/api/calendar/calendars/${id}/availability?${range}`, requests)),
      });
    }
    rows.push(...(await benchBusySources(api, http, url, requests)));
    const calendars: string[] = [];
    for (let i = 0; i < 20; i++) calendars.push((await seedCalendar(api, 100 + i, 100)).id);
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
  });
  return rows;
}

/**
 * Availability of a calendar with 3 outside calendars of `perSource` events each (recurring
 * included, `busyCalendar`), in one process as `pnpm start` runs it: before any source is
 * connected; while the three are first synced (fetch, parse, expansion over the 12-month window
 * in turns, the busy times reaching the booking service), which shows what a sync costs the
 * requests beside it; and once they are synced, when availability only reads the busy times.
 */
export async function benchBusySources(api: ApiSetup, http: Timing, url: string, requests: number, perSource = 5_000) {
  const { id, owner } = await seedCalendar(api, 1_000, 100);
  const served = await serveCalendars([1, 2, 3].map((seed) => busyCalendar(perSource, NOW, seed)));
  const headers = { authorization: `Bearer ${owner.api_key}`, 'content-type': 'application/json' };
  const sources = `${url}/api/calendar/calendars/${id}/busy_sources`;
  const availability = `/api/calendar/calendars/${id}/availability?from=${RANGE.from}&to=${RANGE.to}`;
  const listed = async () =>
    (await (await fetch(sources, { headers })).json()) as Array<{ status: string; last_error: string }>;
  try {
    const before = await measure(http, availability, requests);
    const started = performance.now();
    // Each POST waits for its first sync up to 5 s; a longer one goes on in the background.
    const posted = served.urls.map(async (source) => {
      const answer = await fetch(sources, {
        method: 'POST',
        headers,
        body: JSON.stringify({ kind: 'ics', url: source }),
      });
      if (answer.status !== 201)
        throw new Error(`adding a busy source answered ${answer.status}: ${await answer.text()}`);
    });
    const during: number[] = [];
    for (let synced = false; !synced;) {
      const call = await http.call('GET', availability);
      if (call.status !== 200) throw new Error(`availability answered ${call.status} during the sync`);
      during.push(call.ms);
      if (during.length % 20 === 0) {
        const states = await listed();
        const failing = states.find((source) => source.status === 'failing');
        if (failing) throw new Error(`a bench source failed: ${failing.last_error}`);
        synced = states.length === 3 && states.every((source) => source.status === 'ok');
      }
    }
    await Promise.all(posted);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    const after = await measure(http, availability, requests);
    const what = `3 busy sources × ${perSource} events (recurring included) + 100 events`;
    return [
      { case: `availability, 31 days, 100 events, no busy source yet`, ...before },
      {
        case: `the same while the 3 sources are first synced (${seconds} s, ${during.length} answered)`,
        ...summary(during),
      },
      { case: `availability, 31 days, ${what}, synced`, ...after },
    ];
  } finally {
    await served.close();
  }
}

/** `pnpm bench busy`: the busy-source case of `availability` alone, in a system of its own. */
export async function benchBusy(requests = 300) {
  return inEmbeddedSystem((api, http, url) => benchBusySources(api, http, url, requests));
}

/**
 * `run` against an embedded system of its own in this process, listening on loopback, with the
 * measuring client and the API seeding it; closed after.
 */
async function inEmbeddedSystem<T>(run: (api: ApiSetup, http: Timing, url: string) => Promise<T>): Promise<T> {
  const system = await buildEmbeddedSystem({
    logger: silentLogger(),
    clock: new ManualClock(NOW),
    // One client address sends everything here: the per-IP rate limit would measure itself.
    rateLimitPerMinute: 1_000_000_000,
    // The outside calendars are served on 127.0.0.1.
    allowPrivateUrls: true,
  });
  const url = await system.gateway.listen({ port: 0, host: '127.0.0.1' });
  const http = benchClient(url, 16);
  try {
    return await run(apiSetup(apiClient(url)), http, url);
  } finally {
    await http.close();
    await system.gateway.close();
  }
}

/** A port nothing listens on now. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
