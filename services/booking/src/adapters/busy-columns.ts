import { mergeIntervals, type Interval } from '@slotkeeper/time';

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

/** The busy times of several sources overlapping `range`, as one sorted, disjoint list. */
export function busyOfSources(sources: Iterable<BusyColumns>, range: Interval): Interval[] {
  const lists: Interval[][] = [];
  for (const columns of sources) {
    const found = overlappingIn(columns, range);
    if (found.length > 0) lists.push(found);
  }
  // One source's intervals are already merged; several overlap one another.
  if (lists.length <= 1) return lists[0] ?? [];
  return mergeIntervals(lists.flat());
}
