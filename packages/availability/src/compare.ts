import { intersectIntervals, type Interval } from '@slotkeeper/time';

/** Times when every calendar is free, dropping common intervals shorter than `minimum` ms. */
export function commonFreeTime(frees: readonly Interval[][], range: Interval, minimum = 0): Interval[] {
  return frees
    .reduce<Interval[]>((common, free) => intersectIntervals(common, free), [range])
    .filter((interval) => interval.end - interval.start >= minimum);
}

export interface QuorumInterval extends Interval {
  /** Indexes (into the input) of the calendars free throughout this interval. */
  free: number[];
}

/**
 * Times when at least `quorum` of the calendars are free, cut wherever the set of free
 * calendars changes, so each interval names who is free throughout it. A sweep over all the
 * intervals' edges: O(e log e) for e edges.
 */
export function quorumFreeTime(frees: readonly Interval[][], quorum: number, minimum = 0): QuorumInterval[] {
  const edges = frees.flatMap((free, calendar) =>
    free.flatMap((i) => [
      { at: i.start, calendar, delta: 1 },
      { at: i.end, calendar, delta: -1 },
    ]),
  );
  edges.sort((a, b) => a.at - b.at);
  const freeNow = new Set<number>();
  const segments: QuorumInterval[] = [];
  for (let i = 0; i < edges.length;) {
    const at = edges[i]!.at;
    for (; i < edges.length && edges[i]!.at === at; i++) {
      const edge = edges[i]!;
      if (edge.delta > 0) freeNow.add(edge.calendar);
      else freeNow.delete(edge.calendar);
    }
    const next = edges[i]?.at;
    if (next === undefined || freeNow.size < quorum) continue;
    const free = [...freeNow].sort((a, b) => a - b);
    const last = segments[segments.length - 1];
    if (last && last.end === at && last.free.join() === free.join()) last.end = next;
    else segments.push({ start: at, end: next, free });
  }
  return segments.filter((segment) => segment.end - segment.start >= minimum);
}
