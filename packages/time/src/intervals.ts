/** A half-open interval [start, end) of epoch milliseconds. */
export interface Interval {
  start: number;
  end: number;
}

export const MINUTE = 60_000;

export function overlaps(a: Interval, b: Interval): boolean {
  return a.start < b.end && b.start < a.end;
}

/** Sorts and merges overlapping or touching intervals; drops empty ones. */
export function mergeIntervals(intervals: readonly Interval[]): Interval[] {
  const sorted = intervals.filter((i) => i.end > i.start).sort((a, b) => a.start - b.start);
  const merged: Interval[] = [];
  for (const next of sorted) {
    const last = merged[merged.length - 1];
    if (last && next.start <= last.end) last.end = Math.max(last.end, next.end);
    else merged.push({ start: next.start, end: next.end });
  }
  return merged;
}

/** `base` minus `cuts`, both sorted and merged; linear in their total length. */
export function subtractIntervals(base: readonly Interval[], cuts: readonly Interval[]): Interval[] {
  const result: Interval[] = [];
  let j = 0;
  for (const interval of base) {
    let cursor = interval.start;
    while (j < cuts.length && cuts[j]!.end <= cursor) j++;
    let k = j;
    while (k < cuts.length && cuts[k]!.start < interval.end) {
      const cut = cuts[k]!;
      if (cut.start > cursor) result.push({ start: cursor, end: cut.start });
      cursor = Math.max(cursor, cut.end);
      k++;
    }
    if (cursor < interval.end) result.push({ start: cursor, end: interval.end });
  }
  return result;
}

/** Common part of two sorted, merged lists. */
export function intersectIntervals(a: readonly Interval[], b: readonly Interval[]): Interval[] {
  const result: Interval[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i]!;
    const y = b[j]!;
    const start = Math.max(x.start, y.start);
    const end = Math.min(x.end, y.end);
    if (start < end) result.push({ start, end });
    if (x.end < y.end) i++;
    else j++;
  }
  return result;
}

export function clipIntervals(intervals: readonly Interval[], range: Interval): Interval[] {
  return intervals
    .map((i) => ({ start: Math.max(i.start, range.start), end: Math.min(i.end, range.end) }))
    .filter((i) => i.end > i.start);
}

/** The interval of a sorted, merged list that wholly contains `target`, if any. */
export function findContaining(intervals: readonly Interval[], target: Interval): Interval | undefined {
  return intervals.find((i) => i.start <= target.start && target.end <= i.end);
}

/**
 * The earliest and latest instants a JavaScript Date (and so a BSON date) can hold: the bounds
 * of an open-ended range. `Number.MAX_SAFE_INTEGER` is no instant (`new Date()` of it is invalid).
 */
export const EARLIEST_INSTANT = -8.64e15;
export const LATEST_INSTANT = 8.64e15;
