import fc from 'fast-check';
import { intersectIntervals, mergeIntervals, type Interval } from '@slotkeeper/time';
import { describe, expect, it } from 'vitest';
import { quorumFreeTime, quorumSweep } from '../src/index.js';

/**
 * The definition, by brute force: for every set of at least k calendars, the connected parts of
 * their common free time; each listed once, with every calendar free throughout it.
 */
function bruteForce(frees: Interval[][], quorum: number, minimum: number) {
  const lists = frees.map((free) => mergeIntervals(free));
  const found = new Map<string, { start: number; end: number; free: number[] }>();
  for (let set = 1; set < 1 << lists.length; set++) {
    const members = lists.map((_, c) => c).filter((c) => set & (1 << c));
    if (members.length < quorum) continue;
    const common = mergeIntervals(
      members.reduce<Interval[]>((acc, c) => intersectIntervals(acc, lists[c]!), [{ start: -1e9, end: 1e9 }]),
    );
    for (const part of common) {
      if (part.end - part.start < minimum) continue;
      const free = lists
        .map((list, c) => (list.some((i) => i.start <= part.start && part.end <= i.end) ? c : -1))
        .filter((c) => c >= 0);
      found.set(`${part.start}-${part.end}`, { start: part.start, end: part.end, free });
    }
  }
  return [...found.values()].sort((a, b) => a.start - b.start || a.end - b.end);
}

// Small integer times, so that starts and ends coincide, touch and nest often.
const interval = fc
  .tuple(fc.integer({ min: 0, max: 30 }), fc.integer({ min: 1, max: 12 }))
  .map(([start, length]) => ({ start, end: start + length }));
const calendars = fc.array(fc.array(interval, { maxLength: 5 }), { minLength: 1, maxLength: 6 });

describe('quorum comparison against its definition', () => {
  it('finds exactly the maximal intervals of every set of at least k calendars, with who is free', () => {
    fc.assert(
      fc.property(calendars, fc.nat(), fc.integer({ min: 0, max: 6 }), (frees, k, minimum) => {
        const quorum = 1 + (k % frees.length);
        const { intervals, complete } = quorumFreeTime(frees, quorum, { minimum });
        expect(complete).toBe(true);
        expect(intervals).toEqual(bruteForce(frees, quorum, minimum));
      }),
      { numRuns: 3_000 },
    );
  });

  it('pausing the sweep changes nothing', () => {
    fc.assert(
      fc.property(calendars, fc.integer({ min: 1, max: 3 }), (frees, chunk) => {
        const sweep = quorumSweep(frees, 1, { chunk });
        let step = sweep.next();
        while (!step.done) step = sweep.next();
        expect(step.value).toEqual(quorumFreeTime(frees, 1));
      }),
      { numRuns: 300 },
    );
  });
});
