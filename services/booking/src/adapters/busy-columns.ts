import { mergeIntervals, type Interval } from '@slotkeeper/time';
import { withUnknownTail } from '../domain/busy-times.js';

/**
 * One source's busy intervals (sorted, disjoint) as one flat array of numbers,
 * `[start₀, end₀, start₁, end₁, …]`: 16 bytes an interval where objects cost some 50, and a
 * source may have up to 100,000 of them in its window.
 */
export type BusyColumns = Float64Array;

export function toColumns(busy: readonly Interval[]): BusyColumns {
  const columns = new Float64Array(busy.length * 2);
  busy.forEach((interval, i) => {
    columns[2 * i] = interval.start;
    columns[2 * i + 1] = interval.end;
  });
  return columns;
}

/** The intervals of `columns` that overlap `range`, whole: a binary search, then only those. */
export function overlappingIn(columns: BusyColumns, range: Interval): Interval[] {
  const count = columns.length / 2;
  // The first interval ending after the range's start (sorted and disjoint: ends are sorted too).
  let low = 0;
  let high = count;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (columns[2 * mid + 1]! > range.start) high = mid;
    else low = mid + 1;
  }
  const found: Interval[] = [];
  for (let i = low; i < count && columns[2 * i]! < range.end; i++) {
    found.push({ start: columns[2 * i]!, end: columns[2 * i + 1]! });
  }
  return found;
}

/** A live source as the adapters keep it: its busy intervals, and where its window ends. */
export interface SourceColumns {
  busy: BusyColumns;
  /** Epoch ms; null for a source stored before window ends were (none is assumed). */
  windowEnd: number | null;
}

/**
 * The busy times of a calendar's live sources overlapping `range`, as one sorted, disjoint list,
 * the unknown time past the earliest window end included (`withUnknownTail`).
 */
export function busyOfSources(sources: Iterable<SourceColumns>, range: Interval): Interval[] {
  const lists: Interval[][] = [];
  let windowEnd: number | null = null;
  for (const source of sources) {
    const found = overlappingIn(source.busy, range);
    if (found.length > 0) lists.push(found);
    if (source.windowEnd !== null) windowEnd = Math.min(windowEnd ?? source.windowEnd, source.windowEnd);
  }
  // One source's intervals are already merged; several overlap one another.
  const busy = lists.length <= 1 ? (lists[0] ?? []) : mergeIntervals(lists.flat());
  return withUnknownTail(busy, windowEnd, range);
}
