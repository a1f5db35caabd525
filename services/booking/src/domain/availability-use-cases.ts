import { freeTime, slots } from '@slotkeeper/availability';
import { intersectIntervals, type Interval } from '@slotkeeper/time';
import { findCalendar, type BookingDeps } from './booking-use-cases.js';
import { guardAround, toCalendarState } from './calendar-state.js';

export interface Availability {
  free: Interval[];
  slots?: Interval[];
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
  durationMinutes: number | undefined,
  deps: ReadDeps,
): Promise<Availability> {
  const { ledger, state, free } = await freeOf(calendarId, period, deps);
  const duration = durationMinutes ?? ledger.rules.meeting_duration_minutes ?? undefined;
  return duration === undefined ? { free } : { free, slots: slots(state, free, duration) };
}

/** The times when every calendar is free, dropping common intervals shorter than `duration`. */
export async function compareCalendars(
  calendarIds: readonly string[],
  period: Interval,
  durationMinutes: number | undefined,
  deps: ReadDeps,
): Promise<Interval[]> {
  const frees = await Promise.all(calendarIds.map((id) => freeOf(id, period, deps)));
  const common = frees.reduce<Interval[]>((acc, { free }) => intersectIntervals(acc, free), [period]);
  const minimum = (durationMinutes ?? 0) * 60_000;
  return common.filter((interval) => interval.end - interval.start >= minimum);
}
