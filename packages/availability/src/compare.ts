import { intersectIntervals, mergeIntervals, type Interval } from '@slotkeeper/time';

/** Times when every calendar is free, dropping common intervals shorter than `minimum` ms. */
export function commonFreeTime(frees: readonly (readonly Interval[])[], range: Interval, minimum = 0): Interval[] {
  return frees
    .reduce<Interval[]>((common, free) => intersectIntervals(common, free), [range])
    .filter((interval) => interval.end - interval.start >= minimum);
}

export interface QuorumInterval extends Interval {
  /** Indexes (into the input), ascending, of every calendar free throughout this interval. */
  free: number[];
}

export interface QuorumOptions {
  /** Drop intervals shorter than this many ms. */
  minimum?: number;
  /** Stop once more than this many intervals are found (the answer is then `complete: false`). */
  limit?: number;
  /** How many start points the sweep handles between two pauses of `quorumSweep`. */
  chunk?: number;
}

export interface QuorumResult {
  intervals: QuorumInterval[];
  /** False when `limit` stopped the sweep. */
  complete: boolean;
}

/**
 * Times when at least `quorum` calendars are free: every interval I in which at least `quorum`
 * calendars are free throughout and that cannot be made longer without losing one of them (the
 * connected parts of the common free time of each set of at least `quorum` calendars), each
 * with every calendar free throughout it. Such intervals may overlap one another.
 *
 * A sweep over the distinct start points s of the calendars' free intervals. Such an I starts
 * at some s (else it could grow to the left) and ends where a calendar free at s stops being
 * free, at r, say; the calendars free throughout [s, r) are those whose free interval at s
 * reaches r, and [s, r) cannot grow left exactly when one of them starts at s. So at each s
 * the sweep takes the ends of the calendars free at s and emits [s, r) for each distinct end r
 * that at least `quorum` of them reach and that is no later than the furthest end of a
 * calendar starting at s.
 *
 * Cost, for n calendars, E free intervals in all and m intervals found: one pass over the n
 * calendars' cursors per start point finds who starts there, who is free and the next start
 * point, O(n); where at least `quorum` are free, their ends are ordered by insertion, O(n²) at
 * worst; each interval found lists its calendars in O(n). So O(E·n²) time at worst, O(E·n)
 * when fewer than `quorum` are free at most start points, plus O(m·n); O(E) space besides the
 * answer, whose size `limit` bounds (else m ≤ E·(n − quorum + 1)). For the heaviest permitted
 * compare (20 calendars of some 9,000 free intervals over 31 days) that is 180,000 start points
 * at most, a few tens of milliseconds.
 *
 * A generator, so that a caller can pause it (it yields after reading each calendar and every
 * `chunk` start points) and let others run; `quorumFreeTime` runs it to the end.
 */
export function* quorumSweep(
  frees: readonly (readonly Interval[])[],
  quorum: number,
  { minimum = 0, limit = Infinity, chunk = 1_000 }: QuorumOptions = {},
): Generator<void, QuorumResult, void> {
  const n = frees.length;
  // Each calendar's starts and ends as numbers side by side: the loop below reads them some
  // 20 times per start point, and plain arrays of numbers beat following object references.
  const starts: Float64Array[] = [];
  const ends: Float64Array[] = [];
  for (const free of frees) {
    const own = columnsOf(free);
    starts.push(own.starts);
    ends.push(own.ends);
    yield;
  }
  /** Per calendar: its next interval to start, and the end of the one it is in (−∞: none). */
  const next = new Int32Array(n);
  const current = new Float64Array(n).fill(-Infinity);
  /** The ends of the calendars free at s, then sorted largest first. */
  const sorted = new Float64Array(n);
  const intervals: QuorumInterval[] = [];
  let sinceYield = 0;

  let s = Infinity;
  for (let c = 0; c < n; c++) if (starts[c]!.length > 0 && starts[c]![0]! < s) s = starts[c]![0]!;
  while (s !== Infinity) {
    if (++sinceYield >= chunk) {
      sinceYield = 0;
      yield;
    }
    // One pass: who starts at s, who is free at s, and where the next start point is.
    let following = Infinity;
    let furthestStarting = -Infinity;
    let free = 0;
    let longEnough = 0;
    for (let c = 0; c < n; c++) {
      const own = starts[c]!;
      let i = next[c]!;
      if (own[i] === s) {
        const end = ends[c]![i]!;
        current[c] = end;
        next[c] = ++i;
        if (end > furthestStarting) furthestStarting = end;
      }
      if (i < own.length && own[i]! < following) following = own[i]!;
      const end = current[c]!;
      if (end > s) {
        sorted[free++] = end;
        if (end - s >= minimum) longEnough++;
      }
    }
    const at = s;
    s = following;
    if (longEnough < quorum) continue;
    // Largest first, by insertion: there are at most n of them.
    for (let k = 1; k < free; k++) {
      const end = sorted[k]!;
      let i = k;
      for (; i > 0 && sorted[i - 1]! < end; i--) sorted[i] = sorted[i - 1]!;
      sorted[i] = end;
    }
    // Ends r with at + minimum ≤ r ≤ min(furthest start's end, the quorum-th largest end).
    const highest = Math.min(furthestStarting, sorted[quorum - 1]!);
    const first = intervals.length;
    for (let k = quorum - 1; k < free; k++) {
      const r = sorted[k]!;
      if (r - at < minimum) break;
      // Only the last of the calendars ending at r says how many reach r.
      if (r > highest || (k + 1 < free && sorted[k + 1] === r)) continue;
      if (intervals.length >= limit) {
        reverseFrom(intervals, first);
        return { intervals, complete: false };
      }
      const members: number[] = [];
      for (let c = 0; c < n; c++) if (current[c]! >= r) members.push(c);
      intervals.push({ start: at, end: r, free: members });
    }
    reverseFrom(intervals, first);
  }
  return { intervals, complete: true };
}

interface Columns {
  starts: Float64Array;
  ends: Float64Array;
}

/**
 * Frozen lists are the kept open hours of a calendar (its free time when nothing cuts into
 * them): their columns are kept with them, as long as they are.
 */
const kept = new WeakMap<readonly Interval[], Columns>();

/** A calendar's free intervals, merged, as columns of starts and ends. */
function columnsOf(free: readonly Interval[]): Columns {
  const known = kept.get(free);
  if (known) return known;
  const list = isMerged(free) ? free : mergeIntervals(free);
  const columns = { starts: new Float64Array(list.length), ends: new Float64Array(list.length) };
  for (let i = 0; i < list.length; i++) {
    columns.starts[i] = list[i]!.start;
    columns.ends[i] = list[i]!.end;
  }
  if (Object.isFrozen(free)) kept.set(free, columns);
  return columns;
}

/** Sorted, disjoint and not touching, as `freeTime` gives them. */
function isMerged(intervals: readonly Interval[]): boolean {
  for (let i = 0; i < intervals.length; i++) {
    const interval = intervals[i]!;
    if (interval.end <= interval.start || (i > 0 && intervals[i - 1]!.end >= interval.start)) return false;
  }
  return true;
}

/** Found longest first at one start; listed shortest first. */
function reverseFrom(items: unknown[], from: number): void {
  for (let i = from, j = items.length - 1; i < j; i++, j--) [items[i], items[j]] = [items[j], items[i]];
}

/** `quorumSweep` without pauses, sorted by start and then end. */
export function quorumFreeTime(
  frees: readonly (readonly Interval[])[],
  quorum: number,
  options: QuorumOptions = {},
): QuorumResult {
  const sweep = quorumSweep(frees, quorum, options);
  let step = sweep.next();
  while (!step.done) step = sweep.next();
  return step.value;
}
