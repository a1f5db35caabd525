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
   * The busy times of all the calendar's sources that overlap `range`, merged: sorted and
   * disjoint (an interval reaching beyond the range is given whole).
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
