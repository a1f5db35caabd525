import type { DayOfWeek } from '@slotkeeper/contracts';
import { DAYS_OF_WEEK } from '@slotkeeper/contracts';
import {
  clipIntervals,
  localDatesCovering,
  localTimeToInstant,
  mergeIntervals,
  wallClockToMinutes,
  type Interval,
} from '@slotkeeper/time';
import fc from 'fast-check';
import { IANAZone } from 'luxon';
import { describe, expect, it } from 'vitest';
import { OpenHours, QUARTER_HOUR, type HoursVariant } from '../src/index.js';
import { schedule as compile } from './helpers.js';

const ZONES = [
  'UTC',
  'Europe/Berlin',
  'America/New_York',
  'Australia/Lord_Howe',
  'Pacific/Chatham',
  'America/Santiago',
  'America/St_Johns',
  'Asia/Kathmandu',
  'Pacific/Kiritimati',
  'Pacific/Pago_Pago',
];
const hhmm = (minutes: number) =>
  `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
const wall = fc
  .tuple(fc.integer({ min: 0, max: 1439 }), fc.integer({ min: 1, max: 900 }))
  .map(([start, length]) => ({ startTime: hhmm(start), endTime: hhmm(Math.min(1440, start + length)) }));
const snapshot = fc.record({
  timezone: fc.constantFrom(...ZONES),
  timeSlots: fc.array(
    fc.tuple(fc.constantFrom<DayOfWeek>(...DAYS_OF_WEEK), wall).map(([dayOfWeek, w]) => ({ dayOfWeek, ...w })),
    { maxLength: 10 },
  ),
  dateOverrides: fc.uniqueArray(
    fc.record({
      date: fc.constantFrom('2030-03-10', '2030-03-31', '2030-04-06', '2030-09-29', '2030-10-27', '2030-11-03'),
      timeSlots: fc.array(wall, { maxLength: 2 }),
    }),
    { selector: (o) => o.date, maxLength: 3 },
  ),
});
type Snapshot = typeof snapshot extends fc.Arbitrary<infer T> ? T : never;
const START = Date.parse('2030-03-01T00:00:00Z');
const link = fc.record({
  snapshot,
  expiresOn: fc.option(
    fc.integer({ min: 0, max: 80 * 24 * 60 }).map((m) => START + m * 60_000),
    { nil: null },
  ),
});
const query = fc
  .tuple(fc.integer({ min: 0, max: 60 * 24 * 60 }), fc.integer({ min: 1, max: (31 * 24 + 1) * 60 }))
  .map(([offset, length]) => ({ start: START + offset * 60_000 + 7_211, end: START + (offset + length) * 60_000 }));

/** The obvious way, date by date and slot by slot, as the engine did before it kept days. */
function reference(
  links: Array<{ snapshot: Snapshot; expiresOn: number | null }>,
  range: Interval,
  variant: HoursVariant,
): Interval[] {
  const windows: Interval[] = [];
  for (const { snapshot: s, expiresOn } of links) {
    const end = variant !== 'in_force' || expiresOn === null ? range.end : Math.min(range.end, expiresOn);
    const own: Interval[] = [];
    for (const date of localDatesCovering(range.start, range.end)) {
      const override = variant === 'weekly' ? undefined : s.dateOverrides.find((o) => o.date === date.iso);
      const slots =
        override?.timeSlots ?? s.timeSlots.filter((slot) => DAYS_OF_WEEK.indexOf(slot.dayOfWeek) + 1 === date.weekday);
      for (const slot of slots) {
        own.push({
          start: localTimeToInstant(date, wallClockToMinutes(slot.startTime), s.timezone),
          end: localTimeToInstant(date, wallClockToMinutes(slot.endTime), s.timezone),
        });
      }
    }
    windows.push(...clipIntervals(own, { start: range.start, end }));
  }
  return mergeIntervals(windows);
}

describe('open hours kept per UTC day', () => {
  it('equal the slot-by-slot reading of every linked schedule, for any range, asked again or not', () => {
    fc.assert(
      fc.property(
        fc.array(link, { minLength: 1, maxLength: 3 }),
        fc.array(query, { minLength: 1, maxLength: 3 }),
        fc.constantFrom<HoursVariant>('in_force', 'ignoring_expiry', 'weekly'),
        (links, ranges, variant) => {
          const hours = new OpenHours(
            links.map((l) => ({
              schedule: compile(l.snapshot.timezone, l.snapshot.timeSlots, l.snapshot.dateOverrides),
              expiresOn: l.expiresOn,
            })),
          );
          for (const range of [...ranges, ...ranges]) {
            expect(hours.between(range, variant)).toEqual(reference(links, range, variant));
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('whole quarter hours', () => {
  it('every zone in use is a whole number of quarter hours from UTC, so UTC quarter hours are local ones', () => {
    // ICU lists some zones by older names (Asia/Katmandu); name the unusual ones as well.
    const unusual = [
      'Asia/Kathmandu',
      'Pacific/Chatham',
      'Australia/Eucla',
      'Australia/Lord_Howe',
      'Pacific/Marquesas',
    ];
    const zones = [...Intl.supportedValuesOf('timeZone'), ...unusual];
    expect(zones.length).toBeGreaterThan(300);
    const odd: string[] = [];
    for (const name of zones) {
      const zone = IANAZone.create(name);
      for (let t = Date.parse('2026-01-01T00:00:00Z'); t < Date.parse('2040-01-01T00:00:00Z'); t += 28 * 86_400_000) {
        if ((zone.offset(t) * 60_000) % QUARTER_HOUR !== 0) odd.push(`${name} ${zone.offset(t)}`);
      }
    }
    expect(odd).toEqual([]);
  });
});
