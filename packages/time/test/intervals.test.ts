import { describe, expect, it } from 'vitest';
import { clipIntervals, intersectIntervals, mergeIntervals, subtractIntervals } from '../src/index.js';

const iv = (start: number, end: number) => ({ start, end });

describe('interval maths (half-open)', () => {
  it('merges overlapping and touching intervals and drops empty ones', () => {
    expect(mergeIntervals([iv(5, 8), iv(0, 2), iv(2, 3), iv(7, 10), iv(4, 4)])).toEqual([iv(0, 3), iv(5, 10)]);
  });

  it('subtracts cuts that straddle, split and cover the base', () => {
    expect(subtractIntervals([iv(0, 10), iv(20, 30)], [iv(-5, 2), iv(4, 6), iv(9, 21), iv(25, 40)])).toEqual([
      iv(2, 4),
      iv(6, 9),
      iv(21, 25),
    ]);
  });

  it('keeps a base untouched by cuts that only touch it', () => {
    expect(subtractIntervals([iv(10, 20)], [iv(0, 10), iv(20, 30)])).toEqual([iv(10, 20)]);
  });

  it('intersects two lists, treating touching intervals as disjoint', () => {
    expect(intersectIntervals([iv(0, 10), iv(20, 30)], [iv(5, 20), iv(25, 26)])).toEqual([iv(5, 10), iv(25, 26)]);
  });

  it('clips to a range', () => {
    expect(clipIntervals([iv(0, 10), iv(15, 20)], iv(5, 16))).toEqual([iv(5, 10), iv(15, 16)]);
  });
});
