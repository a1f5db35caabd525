import {
  commonFreeTime,
  explainUnavailable,
  freeTime,
  quorumFreeTime,
  slots,
  type Unavailable,
} from '@slotkeeper/availability';
import { MINUTE, type Interval } from '@slotkeeper/time';
import { findCalendar, type BookingDeps } from './booking-use-cases.js';
import { guardAround, toCalendarState } from './calendar-state.js';

export interface Availability {
  free: Interval[];
  slots?: Interval[];
  unavailable?: Unavailable[];
}

type ReadDeps = Pick<BookingDeps, 'ledgers' | 'clock'>;

async function freeOf(calendarId: string, period: Interval, deps: ReadDeps) {
  const ledger = await findCalendar(calendarId, deps);
  const events = await deps.ledgers.eventsBetween(calendarId, guardAround(ledger, period));
  const state = toCalendarState(ledger, events);
  return { ledger, state, free: freeTime(state, period, deps.clock.now().getTime()) };
}

/** Free time and bookable slots of one calendar: the same predicate `bookEvent` applies. */
export async function getAvailability(
  calendarId: string,
  period: Interval,
  options: { durationMinutes?: number | undefined; explain?: boolean | undefined },
  deps: ReadDeps,
): Promise<Availability> {
  const { ledger, state, free } = await freeOf(calendarId, period, deps);
  const duration = options.durationMinutes ?? ledger.rules.meeting_duration_minutes ?? undefined;
  return {
    free,
    ...(duration !== undefined && { slots: slots(state, free, duration) }),
    ...(options.explain && { unavailable: explainUnavailable(state, period, deps.clock.now().getTime()) }),
  };
}

export interface CommonTime extends Interval {
  /** With a quorum: the calendars free throughout the interval. */
  calendarIds?: string[];
}

/**
 * The times when every calendar is free, or with `quorum` when at least that many are;
 * intervals shorter than `durationMinutes` are dropped.
 */
export async function compareCalendars(
  calendarIds: readonly string[],
  period: Interval,
  options: { durationMinutes?: number | undefined; quorum?: number | undefined },
  deps: ReadDeps,
): Promise<CommonTime[]> {
  const frees = (await Promise.all(calendarIds.map((id) => freeOf(id, period, deps)))).map(({ free }) => free);
  const minimum = (options.durationMinutes ?? 0) * MINUTE;
  if (options.quorum === undefined) return commonFreeTime(frees, period, minimum);
  return quorumFreeTime(frees, options.quorum, minimum).map(({ start, end, free }) => ({
    start,
    end,
    calendarIds: free.map((index) => calendarIds[index]!),
  }));
}
