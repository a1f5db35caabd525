import type { BookingRules, DayOfWeek, ScheduleSnapshot } from '@slotkeeper/contracts';
import { DAYS_OF_WEEK } from '@slotkeeper/contracts';
import { InProcessBus, OutboxRelay } from '@slotkeeper/messaging';
import { silentLogger } from '@slotkeeper/observability';
import { ManualClock, MINUTE, overlaps, type Interval } from '@slotkeeper/time';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MemoryLedgerRepository } from '../src/adapters/memory/memory-ledger-repository.js';
import { compareCalendars, getAvailability } from '../src/domain/availability-use-cases.js';
import { bookEvent, type BookingDeps } from '../src/domain/booking-use-cases.js';
import { CalendarSerializer } from '../src/domain/calendar-serializer.js';
import { cancelTokenKey } from './fixtures.js';

// Zones with ordinary, half-hour, 45-minute and unusual DST rules.
const ZONES = [
  'UTC',
  'Europe/Berlin',
  'America/New_York',
  'Australia/Lord_Howe',
  'Asia/Kolkata',
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

const hhmm = (minutes: number) =>
  `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
const wallRange = fc
  .tuple(fc.integer({ min: 0, max: 95 }), fc.integer({ min: 1, max: 40 }))
  .map(([start, length]) => ({ start_time: hhmm(start * 15), end_time: hhmm(Math.min(96, start + length) * 15) }));
const schedule = (id: string): fc.Arbitrary<ScheduleSnapshot> =>
  fc.record({
    id: fc.constant(id),
    timezone: fc.constantFrom(...ZONES),
    time_slots: fc.array(
      fc
        .tuple(fc.constantFrom<DayOfWeek>(...DAYS_OF_WEEK), wallRange)
        .map(([day_of_week, r]) => ({ day_of_week, ...r })),
      { minLength: 1, maxLength: 8 },
    ),
    date_overrides: fc.uniqueArray(
      fc.record({
        date: fc.constantFrom(...PERIOD_STARTS.map((d) => d.replace(/-\d\d$/, '-1' + d.slice(-1)))),
        time_slots: fc.array(wallRange, { maxLength: 2 }),
      }),
      { selector: (o) => o.date, maxLength: 2 },
    ),
  });
const rules: fc.Arbitrary<BookingRules> = fc.record({
  meeting_duration_minutes: fc.constantFrom(15, 30, 45, 60),
  buffer_before_minutes: fc.constantFrom(0, 5, 10, 30),
  buffer_after_minutes: fc.constantFrom(0, 5, 15),
  min_notice_minutes: fc.constantFrom(0, 60, 24 * 60),
  slot_interval_minutes: fc.constant(null),
  booking_horizon_days: fc.constant(null),
});
const scenario = fc.record({
  schedules: fc.tuple(
    schedule('aaaaaaaaaaaaaaaaaaaaaaa1'),
    fc.option(schedule('aaaaaaaaaaaaaaaaaaaaaaa2'), { nil: undefined }),
  ),
  rules,
  start: fc.constantFrom(...PERIOD_STARTS),
  days: fc.integer({ min: 1, max: 7 }),
  nowOffsetHours: fc.integer({ min: -48, max: 30 }),
  picks: fc.array(fc.nat(), { minLength: 1, maxLength: 4 }),
});
type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

async function calendarFor(s: Scenario, calendarId: string, deps: BookingDeps) {
  for (const snapshot of s.schedules.filter((x): x is ScheduleSnapshot => x !== undefined)) {
    await deps.ledgers.link(
      { calendarId, userId: 'bbbbbbbbbbbbbbbbbbbbbbbb', rules: s.rules },
      { schedule: snapshot, expiresOn: null },
    );
  }
}

function setup(s: Scenario) {
  const periodStart = Date.parse(`${s.start}T00:00:00Z`);
  const period = { start: periodStart, end: periodStart + s.days * 86_400_000 };
  const clock = new ManualClock(new Date(periodStart + s.nowOffsetHours * 3_600_000));
  const ledgers = new MemoryLedgerRepository();
  const deps: BookingDeps = {
    ledgers,
    outbox: new OutboxRelay(ledgers.outbox, new InProcessBus({ logger: silentLogger() }), { logger: silentLogger() }),
    clock,
    serializer: new CalendarSerializer(),
    cancelTokenKey,
  };
  return { period, deps };
}

const CAL = 'cccccccccccccccccccccccc';
const booking = (slot: Interval) => ({
  calendar_id: CAL,
  title: 'p',
  start_time: new Date(slot.start),
  end_time: new Date(slot.end),
  booked_by: 'a@b.co',
  guests: [],
});
const widened = (event: Interval, r: BookingRules) => ({
  start: event.start - r.buffer_before_minutes * MINUTE,
  end: event.end + r.buffer_after_minutes * MINUTE,
});

describe('availability properties (random schedules, zones, rules and bookings)', () => {
  it('every listed slot is bookable; a booked slot leaves availability; free time never touches an event', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        const { period, deps } = setup(s);
        await calendarFor(s, CAL, deps);
        const booked: Interval[] = [];
        for (const pick of s.picks) {
          const { slots = [], free } = await getAvailability(CAL, period, {}, deps);
          for (const interval of free) {
            expect(interval.start).toBeGreaterThanOrEqual(
              deps.clock.now().getTime() + s.rules.min_notice_minutes * MINUTE,
            );
            for (const event of booked) expect(overlaps(interval, widened(event, s.rules))).toBe(false);
          }
          if (slots.length === 0) return;
          const slot = slots[pick % slots.length]!;
          await expect(bookEvent(booking(slot), undefined, deps)).resolves.toMatchObject({
            event: { status: 'confirmed' },
          });
          booked.push(slot);
          const after = await getAvailability(CAL, period, {}, deps);
          expect(after.slots?.some((x) => x.start === slot.start)).toBe(false);
          for (const interval of after.free) expect(overlaps(interval, slot)).toBe(false);
        }
      }),
      { numRuns: 120 },
    );
  });

  it('a comparison lies inside the free time of each calendar', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, scenario, async (first, second) => {
        const { period, deps } = setup(first);
        await calendarFor(first, CAL, deps);
        await calendarFor({ ...second, start: first.start }, 'dddddddddddddddddddddddd', deps);
        const common = await compareCalendars([CAL, 'dddddddddddddddddddddddd'], period, {}, deps);
        for (const id of [CAL, 'dddddddddddddddddddddddd']) {
          const { free } = await getAvailability(id, period, {}, deps);
          for (const interval of common) {
            expect(free.some((f) => f.start <= interval.start && interval.end <= f.end)).toBe(true);
          }
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
            await calendarFor(s, CAL, deps);
            process.env.TZ = 'UTC';
            const inUtc = await getAvailability(CAL, period, { explain: true }, deps);
            process.env.TZ = processZone;
            const elsewhere = await getAvailability(CAL, period, { explain: true }, deps);
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
