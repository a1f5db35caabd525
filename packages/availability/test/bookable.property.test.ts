import { mergeIntervals, MINUTE, overlaps, type Interval } from '@slotkeeper/time';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkBookable, explainUnavailable, freeTime, slots } from '../src/index.js';
import { at, schedule, state } from './helpers.js';

const DAY_START = at('2030-06-24T00:00:00Z');
const RANGE = { start: DAY_START, end: DAY_START + 24 * 60 * MINUTE };
const minutes = (m: number) => DAY_START + m * MINUTE;
const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;

// Times on a 5-minute grid of one Monday, so that events, busy times, buffers and hours touch often.
const span = fc
  .tuple(fc.integer({ min: 0, max: 280 }), fc.integer({ min: 1, max: 30 }))
  .map(([start, length]) => ({ start: start * 5, end: Math.min(288, start + length) * 5 }));
/** Disjoint events, as the ledger keeps them: the overlapping ones of the drawn spans dropped. */
const disjoint = (spans: Array<{ start: number; end: number }>): Interval[] => {
  const kept: Interval[] = [];
  for (const s of [...spans].sort((a, b) => a.start - b.start)) {
    if (kept.length === 0 || kept[kept.length - 1]!.end <= minutes(s.start))
      kept.push({ start: minutes(s.start), end: minutes(s.end) });
  }
  return kept;
};
const scenario = fc.record({
  hours: fc.array(span, { minLength: 1, maxLength: 4 }),
  events: fc.array(span, { maxLength: 5 }),
  busy: fc.array(span, { maxLength: 6 }),
  before: fc.constantFrom(0, 5, 10),
  after: fc.constantFrom(0, 5, 15),
  length: fc.constantFrom(15, 30, 45),
  notice: fc.constantFrom(0, 60),
  // Now, in minutes of the day (negative: the day before).
  now: fc.integer({ min: -60, max: 600 }),
  candidates: fc.array(fc.integer({ min: -30, max: 24 * 60 }), { minLength: 1, maxLength: 20 }),
});

describe('the booking check and free time agree, with events and busy times', () => {
  it('a candidate is bookable exactly when it lies inside one free interval, and a refusal names what is in the way', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const calendar = state(
          [
            {
              schedule: schedule(
                'UTC',
                s.hours.map((h) => ({ dayOfWeek: 'monday' as const, startTime: hhmm(h.start), endTime: hhmm(h.end) })),
              ),
              expiresOn: null,
            },
          ],
          {
            rules: {
              meetingDurationMinutes: s.length,
              bufferBeforeMinutes: s.before,
              bufferAfterMinutes: s.after,
              minNoticeMinutes: s.notice,
            },
            events: disjoint(s.events),
            busy: mergeIntervals(s.busy.map((b) => ({ start: minutes(b.start), end: minutes(b.end) }))),
          },
        );
        const now = minutes(s.now);
        const free = freeTime(calendar, RANGE, now);
        const explained = explainUnavailable(calendar, RANGE, now);
        const listed = slots(calendar, free, s.length, now);
        for (const slot of listed) expect(checkBookable(calendar, slot, now)).toBeNull();

        for (const start of s.candidates) {
          const candidate = { start: minutes(start), end: minutes(start + s.length) };
          const verdict = checkBookable(calendar, candidate, now);
          const inside = free.some((f) => f.start <= candidate.start && candidate.end <= f.end);
          expect(verdict === null).toBe(inside);
          if (candidate.start < RANGE.start || candidate.end > RANGE.end) continue;
          const inTheWay = new Set(explained.filter((u) => overlaps(u, candidate)).map((u) => u.reason));
          if (verdict?.kind === 'conflict') expect(inTheWay.has('event') || inTheWay.has('buffer')).toBe(true);
          if (verdict?.kind === 'busy') {
            expect(inTheWay.has('busy_source')).toBe(true);
            expect(inTheWay.has('event') || inTheWay.has('buffer')).toBe(false);
          }
          // Only events, busy times and what they keep clear in the way: a conflict (409), never a 422.
          const blockers = ['event', 'buffer', 'busy_source'];
          if (inTheWay.size > 0 && [...inTheWay].every((reason) => blockers.includes(reason)))
            expect(['conflict', 'busy']).toContain(verdict?.kind);
        }
      }),
      { numRuns: 2_000 },
    );
  });
});
