import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Interval } from '@slotkeeper/time';
import { busyTimesOf } from '../src/index.js';
import { calendar, utc } from './support.js';

const MINUTE = 60_000;
const ZONES = ['Asia/Kolkata', 'Europe/Berlin', 'America/New_York', 'Pacific/Chatham', 'UTC'];

/** An iCalendar UTC DATE-TIME. */
const stamp = (ms: number): string =>
  new Date(ms)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');

describe('the shape of any result', () => {
  // Random events in assorted zones and kinds, over a random window around March 2026 (a DST change).
  const event = fc.record({
    kind: fc.constantFrom('utc', 'iana', 'windows', 'floating', 'unknown', 'all-day'),
    startMinute: fc.integer({ min: -40 * 24 * 60, max: 80 * 24 * 60 }),
    minutes: fc.integer({ min: 0, max: 3 * 24 * 60 }),
    rule: fc.constantFrom('', 'FREQ=DAILY;COUNT=20', 'FREQ=WEEKLY;BYDAY=MO,TH', 'FREQ=MONTHLY;BYMONTHDAY=31'),
    transparent: fc.boolean(),
  });
  const base = Date.parse('2026-03-01T00:00:00Z');

  function vevent(e: typeof event extends fc.Arbitrary<infer T> ? T : never, uid: number): string[] {
    const start = stamp(base + e.startMinute * MINUTE);
    const end = stamp(base + (e.startMinute + e.minutes) * MINUTE);
    const local = (s: string): string => s.slice(0, -1); // the wall clock without Z
    const times = {
      utc: [`DTSTART:${start}`, `DTEND:${end}`],
      iana: [`DTSTART;TZID=Europe/Berlin:${local(start)}`, `DTEND;TZID=Europe/Berlin:${local(end)}`],
      windows: [`DTSTART;TZID="Eastern Standard Time":${local(start)}`, `DURATION:PT${e.minutes}M`],
      floating: [`DTSTART:${local(start)}`, `DTEND:${local(end)}`],
      unknown: [`DTSTART;TZID=Somewhere/Else:${local(start)}`, `DTEND;TZID=Somewhere/Else:${local(end)}`],
      'all-day': [`DTSTART;VALUE=DATE:${start.slice(0, 8)}`, `DTEND;VALUE=DATE:${end.slice(0, 8)}`],
    }[e.kind];
    return [
      `UID:${uid}`,
      ...times,
      ...(e.rule ? [`RRULE:${e.rule}`] : []),
      `TRANSP:${e.transparent ? 'TRANSPARENT' : 'OPAQUE'}`,
    ];
  }

  it('when any source is read, then its busy intervals are sorted, disjoint, non-empty and inside the window', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(event, { maxLength: 30 }),
        fc.integer({ min: -10 * 24 * 60, max: 40 * 24 * 60 }),
        fc.integer({ min: 1, max: 60 * 24 * 60 }),
        fc.constantFrom(...ZONES),
        async (events, windowStart, windowMinutes, ownerZone) => {
          const window = { start: base + windowStart * MINUTE, end: base + (windowStart + windowMinutes) * MINUTE };
          const text = calendar(...events.map((e, i) => vevent(e, i)));
          const { busy, skipped } = await busyTimesOf([text], { ownerZone, window });
          expect(skipped).toBe(0);
          busy.forEach((interval, i) => {
            expect(interval.start).toBeLessThan(interval.end);
            expect(interval.start).toBeGreaterThanOrEqual(window.start);
            expect(interval.end).toBeLessThanOrEqual(window.end);
            // merged: touching intervals would have been joined
            if (i > 0) expect(busy[i - 1]!.end).toBeLessThan(interval.start);
          });
        },
      ),
      { numRuns: 150 },
    );
  });

  it('when UTC events and daily series are read, then exactly the minutes they cover are busy', async () => {
    // A model that knows nothing of the code under test: mark each covered minute of a 3-day window.
    const window = utc('2026-03-10T00:00', '2026-03-13T00:00');
    const minutes = (window.end - window.start) / MINUTE;
    const spec = fc.record({
      startMinute: fc.integer({ min: -2 * 24 * 60, max: minutes + 60 }),
      length: fc.integer({ min: 0, max: 300 }),
      count: fc.integer({ min: 1, max: 4 }),
      excluded: fc.integer({ min: 0, max: 4 }), // the occurrence excluded by EXDATE (none if ≥ count)
      canceled: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(spec, { maxLength: 12 }), async (specs) => {
        const covered = new Array<boolean>(minutes).fill(false);
        const events = specs.map((s, uid) => {
          for (let n = 0; n < s.count; n++) {
            if (n === s.excluded || s.canceled) continue;
            const first = s.startMinute + n * 24 * 60;
            for (let m = Math.max(0, first); m < Math.min(minutes, first + s.length); m++) covered[m] = true;
          }
          const start = window.start + s.startMinute * MINUTE;
          return [
            `UID:model-${uid}`,
            `DTSTART:${stamp(start)}`,
            `DTEND:${stamp(start + s.length * MINUTE)}`,
            `RRULE:FREQ=DAILY;COUNT=${s.count}`,
            `EXDATE:${stamp(start + s.excluded * 24 * 60 * MINUTE)}`,
            `STATUS:${s.canceled ? 'CANCELLED' : 'CONFIRMED'}`,
          ];
        });
        const expected: Interval[] = [];
        covered.forEach((busy, m) => {
          if (!busy) return;
          const last = expected[expected.length - 1];
          const at = window.start + m * MINUTE;
          if (last && last.end === at) last.end += MINUTE;
          else expected.push({ start: at, end: at + MINUTE });
        });
        const { busy } = await busyTimesOf([calendar(...events)], { ownerZone: 'Asia/Kolkata', window });
        expect(busy).toEqual(expected);
      }),
      { numRuns: 150 },
    );
  });
});
