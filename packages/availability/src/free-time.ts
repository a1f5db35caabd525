import type { Rules } from '@slotkeeper/contracts';
import { MINUTE, mergeIntervals, overlaps, type Interval } from '@slotkeeper/time';
import type { OpenHours } from './open-hours.js';
import { DAY } from './schedule-windows.js';

// The engine's callers know the defaults from here too.
export { defaultRules } from '@slotkeeper/contracts';

export interface CalendarState {
  /** The linked schedules' hours, shared by every request at one version of the calendar. */
  hours: OpenHours;
  rules: Rules;
  /** Confirmed events: sorted by start and never overlapping; only those near the range matter. */
  events: readonly Interval[];
  /**
   * Busy times of the calendar's outside calendars (its busy sources), all sources together:
   * sorted, merged and disjoint; only those near the range matter. Each blocks new meetings as
   * an event does (`blockedBy`): the owner is in a meeting then, and needs the calendar's buffers
   * around it like around any other.
   */
  busy: readonly Interval[];
}

/**
 * Where an event keeps every new meeting away: a meeting lies with its own buffers, so it may
 * not come closer than the event's buffer on one side plus the meeting's on the other:
 * [start − before − after, end + after + before).
 */
export function blockedBy(event: Interval, rules: Rules): Interval {
  const reach = (rules.bufferBeforeMinutes + rules.bufferAfterMinutes) * MINUTE;
  return { start: event.start - reach, end: event.end + reach };
}

/** Index of the first interval whose blocked range ends after `instant` (intervals sorted, disjoint). */
function firstBlockingAfter(intervals: readonly Interval[], instant: number, reach: number): number {
  let low = 0;
  let high = intervals.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (intervals[mid]!.end + reach > instant) high = mid;
    else low = mid + 1;
  }
  return low;
}

/**
 * The first of `intervals` (sorted, disjoint) a meeting at `candidate` would come too close to,
 * if any: a binary search, then at most the intervals whose blocked range reaches the candidate.
 */
function firstBlocking(candidate: Interval, intervals: readonly Interval[], rules: Rules): Interval | undefined {
  const reach = (rules.bufferBeforeMinutes + rules.bufferAfterMinutes) * MINUTE;
  for (let i = firstBlockingAfter(intervals, candidate.start, reach); i < intervals.length; i++) {
    const interval = intervals[i]!;
    if (interval.start - reach >= candidate.end) break;
    if (overlaps(candidate, blockedBy(interval, rules))) return interval;
  }
  return undefined;
}

/** The event a meeting at `candidate` would come too close to, if any; logarithmic in the events. */
export const conflictingEvent = (candidate: Interval, state: CalendarState): Interval | undefined =>
  firstBlocking(candidate, state.events, state.rules);

/** The busy time a meeting at `candidate` would come too close to, if any; logarithmic in the busy times. */
export const conflictingBusyTime = (candidate: Interval, state: CalendarState): Interval | undefined =>
  firstBlocking(candidate, state.busy, state.rules);

/** The earliest bookable start: now + the minimum notice (to the millisecond). */
export const noticeEnd = (rules: Rules, now: number): number => now + rules.minNoticeMinutes * MINUTE;

/** The latest bookable end: now + the horizon, or none. */
export const horizonEnd = (rules: Rules, now: number): number | null =>
  rules.bookingHorizonDays === null ? null : now + rules.bookingHorizonDays * DAY;

/** Everything before now + notice, and after now + horizon: never bookable. */
export function outsideWindow(rules: Rules, now: number): { tooSoon: Interval; tooLate: Interval | null } {
  const horizon = horizonEnd(rules, now);
  return {
    tooSoon: { start: Number.MIN_SAFE_INTEGER, end: noticeEnd(rules, now) },
    tooLate: horizon === null ? null : { start: horizon, end: Number.MAX_SAFE_INTEGER },
  };
}

/**
 * Free time in `range`: the open hours of the links in force, minus what events and busy times
 * block, minus everything before now + notice and after now + horizon. `now` is read once per
 * request.
 */
export function freeTime(state: CalendarState, range: Interval, now: number): readonly Interval[] {
  const { tooSoon, tooLate } = outsideWindow(state.rules, now);
  const blocked = state.events.map((event) => blockedBy(event, state.rules));
  for (const busy of state.busy) blocked.push(blockedBy(busy, state.rules));
  blocked.push(tooSoon);
  if (tooLate) blocked.push(tooLate);
  const cuts = mergeIntervals(blocked).filter((cut) => cut.end > range.start && cut.start < range.end);
  const hours = state.hours.between(range);
  return cuts.length === 0 ? hours : subtract(hours, cuts);
}

/**
 * `base` minus `cuts`, both sorted and merged, in one pass; what no cut touches is passed on
 * as it is rather than copied (a month of a busy calendar is thousands of intervals).
 */
function subtract(base: readonly Interval[], cuts: readonly Interval[]): Interval[] {
  const result: Interval[] = [];
  let j = 0;
  for (const interval of base) {
    while (j < cuts.length && cuts[j]!.end <= interval.start) j++;
    if (j === cuts.length || cuts[j]!.start >= interval.end) {
      result.push(interval);
      continue;
    }
    let cursor = interval.start;
    for (let k = j; k < cuts.length && cuts[k]!.start < interval.end; k++) {
      if (cuts[k]!.start > cursor) result.push({ start: cursor, end: cuts[k]!.start });
      cursor = Math.max(cursor, cuts[k]!.end);
    }
    if (cursor < interval.end) result.push({ start: cursor, end: interval.end });
  }
  return result;
}

export type Unbookable =
  | {
      kind: 'wrong_duration' | 'in_past' | 'min_notice' | 'beyond_horizon' | 'outside_availability' | 'link_expired';
      message: string;
    }
  /** An event of the calendar is in the way. */
  | { kind: 'conflict'; event: Interval }
  /** A busy time of one of the calendar's outside calendars is in the way (and no event is). */
  | { kind: 'busy'; interval: Interval };

/**
 * The booking predicate: a candidate passes exactly when it lies inside one interval `freeTime`
 * gives for the same state and `now` (and lasts the calendar's meeting length, if it has one).
 * So every slot `slots` lists passes until now + notice reaches its start.
 */
export function checkBookable(state: CalendarState, candidate: Interval, now: number): Unbookable | null {
  const { rules } = state;
  const length = (candidate.end - candidate.start) / MINUTE;
  if (rules.meetingDurationMinutes !== null && length !== rules.meetingDurationMinutes) {
    return {
      kind: 'wrong_duration',
      message: `meetings on this calendar last ${rules.meetingDurationMinutes} minutes`,
    };
  }
  if (candidate.start < now) return { kind: 'in_past', message: 'the event starts in the past' };
  if (candidate.start < noticeEnd(rules, now)) {
    return { kind: 'min_notice', message: `events must be booked at least ${rules.minNoticeMinutes} minutes ahead` };
  }
  const horizon = horizonEnd(rules, now);
  if (horizon !== null && candidate.end > horizon) {
    return {
      kind: 'beyond_horizon',
      message: `beyond the booking horizon: events may be booked at most ${rules.bookingHorizonDays} day${rules.bookingHorizonDays === 1 ? '' : 's'} ahead`,
    };
  }
  const conflict = conflictingEvent(candidate, state);
  if (conflict) return { kind: 'conflict', event: conflict };
  const busy = conflictingBusyTime(candidate, state);
  if (busy) return { kind: 'busy', interval: busy };
  if (!covers(state.hours.between(candidate), candidate)) {
    if (covers(state.hours.between(candidate, 'ignoring_expiry'), candidate)) {
      return { kind: 'link_expired', message: 'the schedule link covering this time has expired' };
    }
    return { kind: 'outside_availability', message: "the event is not inside the calendar's availability" };
  }
  return null;
}

/** Whether the merged hours of `candidate`'s own range cover all of it. */
const covers = (hours: readonly Interval[], candidate: Interval) =>
  hours.length === 1 && hours[0]!.start === candidate.start && hours[0]!.end === candidate.end;
