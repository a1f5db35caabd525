import { blockedBy, QUARTER_HOUR } from '@slotkeeper/availability';
import type { BookingRules, DayOfWeek } from '@slotkeeper/contracts';
import { DAYS_OF_WEEK, generateId, MIN_SLOT_MINUTES, rulesFromWire } from '@slotkeeper/contracts';
import { NotBookableError, SlotTakenError } from '@slotkeeper/errors';
import { ManualClock, mergeIntervals, MINUTE, overlaps, type Interval } from '@slotkeeper/time';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareCalendars, getAvailability } from '../src/domain/availability-use-cases.js';
import { OwnerBusyError } from '../src/domain/booking-errors.js';
import { bookEvent, type BookingDeps } from '../src/domain/booking-use-cases.js';
import type { LinkedSchedule } from '../src/domain/ledger.js';
import { memoryBookingDeps } from './fixtures.js';

// Zones with ordinary, half-hour, 45-minute and unusual DST rules.
const ZONES = [
  'UTC',
  'Europe/Berlin',
  'America/New_York',
  'Australia/Lord_Howe',
  'Asia/Kolkata',
  'Asia/Kathmandu',
  'Pacific/Chatham',
  'America/Santiago',
  'America/St_Johns',
  'Europe/London',
  'Asia/Tehran',
  'Pacific/Auckland',
  'America/Sao_Paulo',
];
// Periods that straddle DST changes somewhere, and ordinary weeks.
const PERIOD_STARTS = [
  '2030-03-08',
  '2030-03-29',
  '2030-04-05',
  '2030-09-27',
  '2030-10-25',
  '2030-11-01',
  '2030-06-21',
  '2031-01-10',
];
const OWNER = 'bbbbbbbbbbbbbbbbbbbbbbbb';

const hhmm = (minutes: number) =>
  `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
// Wall ranges on a 5-minute grid, so free intervals begin at odd times too.
const wallRange = fc
  .tuple(fc.integer({ min: 0, max: 287 }), fc.integer({ min: 1, max: 120 }))
  .map(([start, length]) => ({ startTime: hhmm(start * 5), endTime: hhmm(Math.min(288, start + length) * 5) }));
const schedule = (): fc.Arbitrary<LinkedSchedule> =>
  fc.record({
    id: fc.constant(generateId()),
    timezone: fc.constantFrom(...ZONES),
    timeSlots: fc.array(
      fc.tuple(fc.constantFrom<DayOfWeek>(...DAYS_OF_WEEK), wallRange).map(([dayOfWeek, r]) => ({ dayOfWeek, ...r })),
      { minLength: 1, maxLength: 8 },
    ),
    dateOverrides: fc.uniqueArray(
      fc.record({
        date: fc.constantFrom(...PERIOD_STARTS.map((d) => d.replace(/-\d\d$/, '-1' + d.slice(-1)))),
        timeSlots: fc.array(wallRange, { maxLength: 2 }),
      }),
      { selector: (o) => o.date, maxLength: 2 },
    ),
  });
const rules: fc.Arbitrary<BookingRules> = fc.record({
  meeting_duration_minutes: fc.constantFrom(null, 15, 25, 30, 45, 60),
  buffer_before_minutes: fc.constantFrom(0, 5, 10, 30),
  buffer_after_minutes: fc.constantFrom(0, 5, 15),
  min_notice_minutes: fc.constantFrom(0, 7, 60, 24 * 60),
  slot_interval_minutes: fc.constantFrom(null, 5, 10, 15, 20, 60),
  booking_horizon_days: fc.constantFrom(null, 1, 2, 5),
});
const scenario = fc.record({
  schedules: fc.tuple(schedule(), fc.option(schedule(), { nil: undefined })),
  // Hours after the period's start when the second link expires.
  expiresAfterHours: fc.option(fc.integer({ min: 0, max: 24 * 7 }), { nil: null }),
  rules,
  // The slot length asked for when the calendar has no meeting length.
  duration: fc.constantFrom(20, 30, 45),
  start: fc.constantFrom(...PERIOD_STARTS),
  days: fc.integer({ min: 1, max: 7 }),
  // Now, to the millisecond, somewhere around the period.
  nowOffsetMs: fc.integer({ min: -48 * 3_600_000, max: 30 * 3_600_000 }),
  // Busy times of two outside calendars: minutes after the period's start, on a 5-minute grid.
  busy: fc.array(
    fc.array(
      fc
        .tuple(fc.integer({ min: -60, max: 7 * 24 * 12 }), fc.integer({ min: 1, max: 36 }))
        .map(([start, length]) => ({ start: start * 5, end: (start + length) * 5 })),
      { maxLength: 8 },
    ),
    { maxLength: 2 },
  ),
  // Where each outside calendar's window ends, in minutes after the period's start (null: far
  // past it): the time after it is unknown, so not free.
  windowEnds: fc.tuple(
    fc.option(
      fc.integer({ min: 0, max: 7 * 24 * 12 }).map((end) => end * 5),
      { nil: null },
    ),
    fc.option(
      fc.integer({ min: 0, max: 7 * 24 * 12 }).map((end) => end * 5),
      { nil: null },
    ),
  ),
  picks: fc.array(fc.tuple(fc.nat(), fc.double({ min: 0, max: 1, noNaN: true })), { minLength: 1, maxLength: 4 }),
  // Candidates that were not listed: a listed slot moved by whole steps, or by up to an hour to
  // the millisecond, or any instant of the period.
  probes: fc.array(
    fc.oneof(
      fc.record({ kind: fc.constant('grid' as const), pick: fc.nat(), steps: fc.integer({ min: -20, max: 20 }) }),
      fc.record({
        kind: fc.constant('near' as const),
        pick: fc.nat(),
        shiftMs: fc.integer({ min: -3_600_000, max: 3_600_000 }),
      }),
      fc.record({ kind: fc.constant('anywhere' as const), at: fc.double({ min: 0, max: 1, noNaN: true }) }),
    ),
    { maxLength: 6 },
  ),
});
type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

function setup(s: Scenario) {
  const periodStart = Date.parse(`${s.start}T00:00:00Z`);
  const period = { start: periodStart, end: periodStart + s.days * 86_400_000 };
  const clock = new ManualClock(new Date(periodStart + s.nowOffsetMs));
  return { period, deps: memoryBookingDeps(clock), clock };
}

/** A calendar of the scenario under a fresh id (compiled hours are kept by id and version). */
async function calendarFor(s: Scenario, deps: BookingDeps, period: Interval): Promise<string> {
  const calendarId = generateId();
  const [first, second] = s.schedules;
  const expiresOn = s.expiresAfterHours === null ? null : new Date(period.start + s.expiresAfterHours * 3_600_000);
  await deps.ledgers.applyCalendar({
    calendarId,
    userId: OWNER,
    rules: rulesFromWire(s.rules),
    links: [{ schedule: first, expiresOn: null }, ...(second ? [{ schedule: second, expiresOn }] : [])],
    version: 1,
  });
  for (const [index, source] of s.busy.entries()) {
    await deps.busyTimes.applyBusyTimes({
      calendarId,
      sourceId: generateId(),
      version: index + 1,
      removed: false,
      busy: mergeIntervals(
        source.map((b) => ({ start: period.start + b.start * MINUTE, end: period.start + b.end * MINUTE })),
      ),
      windowEnd: windowEndOf(s, period, index),
    });
  }
  return calendarId;
}

/** Where source `index`'s window ends, epoch ms. */
const windowEndOf = (s: Scenario, period: Interval, index: number): number => {
  const end = s.windowEnds[index] ?? null;
  return end === null ? period.end + 30 * 86_400_000 : period.start + end * MINUTE;
};

const booking = (calendarId: string, slot: Interval) => ({
  calendarId,
  title: 'p',
  start: new Date(slot.start),
  end: new Date(slot.end),
  bookedBy: 'a@b.co',
  guests: [],
});

/** The slots the contract describes for this free time, written out independently. */
function expectedSlots(free: readonly Interval[], r: BookingRules, length: number, now: number): number[] {
  const cut = now + r.min_notice_minutes * MINUTE;
  const step = Math.max(r.slot_interval_minutes ?? length, MIN_SLOT_MINUTES) * MINUTE;
  const starts: number[] = [];
  for (const f of free) {
    const first = f.start === cut ? Math.ceil(cut / QUARTER_HOUR) * QUARTER_HOUR : f.start;
    for (let t = first; t + length * MINUTE <= f.end; t += step) starts.push(t);
  }
  return starts;
}

const inside = (free: readonly Interval[], candidate: Interval) =>
  free.some((f) => f.start <= candidate.start && candidate.end <= f.end);

describe('availability properties (random schedules, zones, rules, clocks and bookings)', () => {
  it('lists exactly the slots the rules describe; every one books, until now + notice reaches it; what is not free is refused', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        const { period, deps, clock } = setup(s);
        const calendarId = await calendarFor(s, deps, period);
        const length = s.rules.meeting_duration_minutes ?? s.duration;
        const ask = s.rules.meeting_duration_minutes === null ? { durationMinutes: s.duration } : {};
        const owner = { kind: 'user' as const, userId: OWNER };
        const booked: Interval[] = [];
        const busy = s.busy.flatMap((source, index) => [
          ...source.map((b) => ({ start: period.start + b.start * MINUTE, end: period.start + b.end * MINUTE })),
          // Past the window's end: unknown, so busy.
          { start: windowEndOf(s, period, index), end: Number.MAX_SAFE_INTEGER },
        ]);

        for (const [pick, wait] of s.picks) {
          const now = clock.now().getTime();
          const { slots = [], free } = await getAvailability(calendarId, period, ask, deps);
          const notice = now + s.rules.min_notice_minutes * MINUTE;
          const horizon =
            s.rules.booking_horizon_days === null ? null : now + s.rules.booking_horizon_days * 86_400_000;
          for (const interval of free) {
            expect(interval.start).toBeGreaterThanOrEqual(Math.max(notice, period.start));
            if (horizon !== null) expect(interval.end).toBeLessThanOrEqual(horizon);
            for (const event of [...booked, ...busy])
              expect(overlaps(interval, blockedBy(event, rulesFromWire(s.rules)))).toBe(false);
          }
          expect(slots.map((slot) => slot.start)).toEqual(expectedSlots(free, s.rules, length, now));

          // Unlisted candidates: bookable exactly when inside one free interval; 409 when only an
          // event, a busy time or their buffers (with the candidate's own) stand in the way.
          for (const probe of s.probes) {
            const step = Math.max(s.rules.slot_interval_minutes ?? length, MIN_SLOT_MINUTES) * MINUTE;
            const listed = (pick: number) => slots[pick % slots.length]?.start ?? period.start;
            const start =
              probe.kind === 'grid'
                ? listed(probe.pick) + probe.steps * step
                : probe.kind === 'near'
                  ? listed(probe.pick) + probe.shiftMs
                  : Math.floor(period.start + probe.at * (period.end - period.start));
            const candidate = { start, end: start + length * MINUTE };
            if (slots.some((slot) => slot.start === start)) continue;
            // Free time beyond the period counts too: a candidate may reach past it.
            const wide = { start: period.start - 2 * 86_400_000, end: period.end + 2 * 86_400_000 };
            const around = await getAvailability(calendarId, wide, ask, deps);
            const attempt = bookEvent(booking(calendarId, candidate), undefined, deps);
            if (inside(around.free, candidate)) {
              await expect(attempt).resolves.toMatchObject({ event: { status: 'confirmed' } });
              booked.push(candidate);
              break; // The free time changed: ask again.
            }
            const refusal = await attempt.then(
              () => null,
              (error: unknown) => error,
            );
            expect(refusal).toSatisfy(
              (e) => e instanceof NotBookableError || e instanceof SlotTakenError || e instanceof OwnerBusyError,
            );
            const { unavailable = [] } = await getAvailability(
              calendarId,
              period,
              { ...ask, explain: true, actor: owner },
              deps,
            );
            const inTheWay = unavailable.filter((u) => overlaps(u, candidate));
            if (
              candidate.start >= period.start &&
              candidate.end <= period.end &&
              inTheWay.length > 0 &&
              inTheWay.every((u) => u.reason === 'event' || u.reason === 'buffer' || u.reason === 'busy_source')
            ) {
              // An event first: a busy time is named only when no event is in the way.
              const byEvent = inTheWay.some((u) => u.reason === 'event' || u.reason === 'buffer');
              expect(refusal).toBeInstanceOf(byEvent ? SlotTakenError : OwnerBusyError);
            }
          }

          const current = await getAvailability(calendarId, period, ask, deps);
          if (!current.slots?.length) return;
          const slot = current.slots[pick % current.slots.length]!;
          // A listed slot stays bookable until now + notice passes its start.
          const latest = slot.start - (clock.now().getTime() + s.rules.min_notice_minutes * MINUTE);
          clock.set(new Date(clock.now().getTime() + Math.floor(wait * latest)));
          await expect(bookEvent(booking(calendarId, slot), undefined, deps)).resolves.toMatchObject({
            event: { status: 'confirmed' },
          });
          booked.push(slot);
          const after = await getAvailability(calendarId, period, ask, deps);
          expect(after.slots?.some((x) => x.start === slot.start)).toBe(false);
          for (const interval of after.free) expect(overlaps(interval, slot)).toBe(false);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('a comparison lies inside the free time of each calendar', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, scenario, async (first, second) => {
        const { period, deps } = setup(first);
        const a = await calendarFor(first, deps, period);
        const b = await calendarFor({ ...second, start: first.start }, deps, period);
        const common = await compareCalendars([a, b], period, {}, deps);
        for (const id of [a, b]) {
          const { free } = await getAvailability(id, period, {}, deps);
          for (const interval of common) expect(inside(free, interval)).toBe(true);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('results do not depend on the process time zone', async () => {
    const original = process.env.TZ;
    try {
      await fc.assert(
        fc.asyncProperty(
          scenario,
          fc.constantFrom('Pacific/Kiritimati', 'America/Adak', 'Asia/Kathmandu'),
          async (s, processZone) => {
            const { period, deps } = setup(s);
            const calendarId = await calendarFor(s, deps, period);
            const options = { durationMinutes: 30, explain: true, actor: { kind: 'user' as const, userId: OWNER } };
            const ask =
              s.rules.meeting_duration_minutes === null ? options : { ...options, durationMinutes: undefined };
            process.env.TZ = 'UTC';
            const inUtc = await getAvailability(calendarId, period, ask, deps);
            process.env.TZ = processZone;
            const elsewhere = await getAvailability(calendarId, period, ask, deps);
            expect(new Date(2030, 0, 1).getTimezoneOffset()).not.toBe(0);
            expect(elsewhere).toEqual(inUtc);
          },
        ),
        { numRuns: 40 },
      );
    } finally {
      process.env.TZ = original;
    }
  });
});
