import { ForbiddenError, type Principal } from '@slotkeeper/errors';
import { mergeIntervals, type Interval } from '@slotkeeper/time';

/**
 * One busy source's busy times, whole, at the source's version (as a BusyTimesChanged carries
 * them): the sync service raises the version with every change of them.
 */
export interface BusyTimes {
  calendarId: string;
  sourceId: string;
  /** 1 for the first busy times of the source, raised by every change. */
  version: number;
  /** The source was deleted: its busy times are gone, and the version stays as a tombstone. */
  removed: boolean;
  /** Sorted, merged and disjoint `[start, end)` intervals in epoch ms; empty when removed. */
  busy: readonly Interval[];
  /**
   * The end of the window the sync service read the source in (epoch ms): past it, the source's
   * busy times are unknown, so that time is not free (`withUnknownTail`). Its start needs no
   * keeping: the window starts a day before the sync's now, and nothing before now books.
   */
  windowEnd: number;
}

/** The end of the time a source's unknown tail blocks: the engine's "forever" too. */
export const UNKNOWN_UNTIL = Number.MAX_SAFE_INTEGER;

/**
 * `busy` (sorted, disjoint, overlapping `range`) with the time past `windowEnd` (the earliest
 * window end of the calendar's live sources, null for none) added as one busy interval when the
 * range reaches it: an outside calendar read only up to its window end may be busy beyond it, and
 * a booking there could double-book its owner. So the bookable future ends where the shortest
 * window does, and `explain` names that time `busy_source`.
 */
export function withUnknownTail(busy: Interval[], windowEnd: number | null, range: Interval): Interval[] {
  if (windowEnd === null || windowEnd >= range.end) return busy;
  const known = busy.filter((interval) => interval.start < windowEnd);
  const last = known.at(-1);
  // A busy time running into the unknown joins it, so the list stays disjoint.
  if (last && last.end >= windowEnd) known[known.length - 1] = { start: last.start, end: UNKNOWN_UNTIL };
  else known.push({ start: windowEnd, end: UNKNOWN_UNTIL });
  return known;
}

/**
 * The booking service's projection of its calendars' busy sources: per (calendar, source) the
 * newest busy times. A port of its own beside the ledgers: it is a snapshot of the last sync of
 * an outside calendar, written by the consumer only, and never part of a reservation's atomic
 * step (see `bookEvent`).
 */
export interface BusyTimesRepository {
  /**
   * Stores the source's busy times if `version` is newer than the stored one, in one atomic
   * step; false (and nothing changed) for a late, repeated or reordered older one. A removed
   * source is kept at its version (its busy times emptied), so no older message brings it back.
   */
  applyBusyTimes(busyTimes: BusyTimes): Promise<boolean>;
  /**
   * The busy times of all the calendar's live sources that overlap `range`, merged: sorted and
   * disjoint (an interval reaching beyond the range is given whole), with the unknown time past
   * the earliest of their window ends as one more, `[windowEnd, UNKNOWN_UNTIL)` (`withUnknownTail`).
   */
  busyBetween(calendarId: string, range: Interval): Promise<Interval[]>;
  /** The version of the source applied: 0 when unknown, a removed source's tombstone version. */
  busyVersion(calendarId: string, sourceId: string): Promise<number>;
}

/** Sorted, merged and disjoint, with no empty interval: what the engine's binary searches need. */
function isNormalized(intervals: readonly Interval[]): boolean {
  for (let i = 0; i < intervals.length; i++) {
    const interval = intervals[i]!;
    if (interval.end <= interval.start || (i > 0 && intervals[i - 1]!.end >= interval.start)) return false;
  }
  return true;
}

/**
 * Applies a source's busy times (from its message). The contract promises them sorted and
 * merged; a sender that broke that promise is mended here (one pass to check) rather than
 * trusted, since every read relies on it.
 */
export async function applyBusyTimes(
  busyTimes: BusyTimes,
  { busyTimes: store }: { busyTimes: BusyTimesRepository },
): Promise<boolean> {
  const busy = busyTimes.removed ? [] : isNormalized(busyTimes.busy) ? busyTimes.busy : mergeIntervals(busyTimes.busy);
  return store.applyBusyTimes({ ...busyTimes, busy });
}

/**
 * Which version of a busy source booking has applied (0: none yet). Services only: the sync
 * service asks it before answering a change of the source, so the change is in force when it
 * answers.
 */
export async function appliedBusyVersion(
  actor: Principal,
  calendarId: string,
  sourceId: string,
  { busyTimes }: { busyTimes: BusyTimesRepository },
): Promise<number> {
  if (actor.kind !== 'service') throw new ForbiddenError('only the system’s services may ask this');
  return busyTimes.busyVersion(calendarId, sourceId);
}
