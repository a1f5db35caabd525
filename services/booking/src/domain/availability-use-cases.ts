import {
  commonFreeTime,
  explainUnavailable,
  freeTime,
  OpenHours,
  quorumSweep,
  slots,
  type HoursVariant,
  type Unavailable,
} from '@slotkeeper/availability';
import { MAX_QUORUM_OVERLAPS, type Rules } from '@slotkeeper/contracts';
import { anonymous, assertOwner, requireUser, ValidationError, type Principal } from '@slotkeeper/errors';
import { MINUTE, type Interval } from '@slotkeeper/time';
import { findCalendar, type BookingDeps } from './booking-use-cases.js';
import { calendarStateOf, guardAround } from './calendar-state.js';
import type { NextTurn } from './ports.js';

export interface Availability {
  free: readonly Interval[];
  slots?: Interval[];
  unavailable?: Unavailable[];
}

type ReadDeps = Pick<BookingDeps, 'ledgers' | 'busyTimes' | 'clock' | 'nextTurn'>;

/*
 * Bounded cost without holding the process: the work that is the same for many requests (a
 * calendar's open hours per day) is done once and kept (`openHoursOnce`), and what a request
 * still has to compute runs in turns, with a pause (`nextTurn`) between calendars, between
 * a few uncached days, and every thousand steps of a quorum sweep, so `/health` and other
 * requests are served in between.
 */
const COLD_DAYS_PER_TURN = 2;
const SWEEP_STEPS_PER_TURN = 1_000;

async function load(calendarId: string, period: Interval, deps: ReadDeps) {
  const ledger = await findCalendar(calendarId, deps);
  const guard = guardAround(ledger, period);
  const [events, busy] = await Promise.all([
    deps.ledgers.eventsBetween(calendarId, guard),
    deps.busyTimes.busyBetween(calendarId, guard),
  ]);
  return { ledger, state: calendarStateOf(ledger, events, busy) };
}

/** Computes the days of `period` not yet known, a few at a time. */
async function prepare(
  hours: OpenHours,
  period: Interval,
  variants: HoursVariant[],
  nextTurn: NextTurn,
): Promise<void> {
  let computed = 0;
  for (const variant of variants) {
    for (const day of OpenHours.daysOf(period)) {
      if (!hours.isMissing(day, variant)) continue;
      hours.day(day, variant);
      if (++computed % COLD_DAYS_PER_TURN === 0) await nextTurn();
    }
  }
}

/** The slot length: `duration` if asked for, else the meeting length; a different one is refused. */
function slotLength(rules: Rules, requested: number | undefined): number | undefined {
  const meeting = rules.meetingDurationMinutes;
  if (requested !== undefined && meeting !== null && requested !== meeting) {
    throw new ValidationError(`meetings on this calendar last ${meeting} minutes`, [
      { path: 'duration', message: `must be ${meeting}, this calendar's meeting length, or left out` },
    ]);
  }
  return requested ?? meeting ?? undefined;
}

/**
 * Free time and bookable slots of one calendar: the same predicate `bookEvent` applies, at one
 * reading of the clock. `explain` shows when the owner's meetings are, so it is the owner's.
 */
export async function getAvailability(
  calendarId: string,
  period: Interval,
  options: { durationMinutes?: number | undefined; explain?: boolean | undefined; actor?: Principal },
  deps: ReadDeps,
): Promise<Availability> {
  const actor = options.actor ?? anonymous;
  if (options.explain) requireUser(actor);
  const now = deps.clock.now().getTime();
  const { ledger, state } = await load(calendarId, period, deps);
  if (options.explain) assertOwner(actor, ledger.userId, 'calendar');
  const duration = slotLength(ledger.rules, options.durationMinutes);
  const variants: HoursVariant[] = options.explain ? ['in_force', 'ignoring_expiry', 'weekly'] : ['in_force'];
  await prepare(state.hours, period, variants, deps.nextTurn);
  const free = freeTime(state, period, now);
  return {
    free,
    ...(duration !== undefined && { slots: slots(state, free, duration, now) }),
    ...(options.explain && { unavailable: explainUnavailable(state, period, now) }),
  };
}

export interface CommonTime extends Interval {
  /** With a quorum: the calendars free throughout the interval. */
  calendarIds?: string[];
}

/**
 * The times when every calendar is free, or with `quorum` the longest intervals in which at
 * least that many are (see `quorumSweep`); intervals shorter than `durationMinutes` are dropped.
 */
export async function compareCalendars(
  calendarIds: readonly string[],
  period: Interval,
  options: { durationMinutes?: number | undefined; quorum?: number | undefined },
  deps: ReadDeps,
): Promise<CommonTime[]> {
  const now = deps.clock.now().getTime();
  const calendars = await Promise.all(calendarIds.map((id) => load(id, period, deps)));
  const frees: (readonly Interval[])[] = [];
  for (const { state } of calendars) {
    await prepare(state.hours, period, ['in_force'], deps.nextTurn);
    frees.push(freeTime(state, period, now));
    await deps.nextTurn();
  }
  const minimum = (options.durationMinutes ?? 0) * MINUTE;
  if (options.quorum === undefined) return commonFreeTime(frees, period, minimum);

  const sweep = quorumSweep(frees, options.quorum, {
    minimum,
    limit: MAX_QUORUM_OVERLAPS,
    chunk: SWEEP_STEPS_PER_TURN,
  });
  let step = sweep.next();
  while (!step.done) {
    await deps.nextTurn();
    step = sweep.next();
  }
  if (!step.value.complete) {
    throw new ValidationError(`the comparison has more than ${MAX_QUORUM_OVERLAPS} intervals`, [
      { path: 'quorum', message: 'too many intervals: narrow the range, or raise quorum or duration' },
    ]);
  }
  return step.value.intervals.map(({ start, end, free }) => ({
    start,
    end,
    calendarIds: free.map((index) => calendarIds[index]!),
  }));
}
