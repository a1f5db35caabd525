import { MIN_SLOT_MINUTES } from '@slotkeeper/contracts';
import { MINUTE, type Interval } from '@slotkeeper/time';
import { noticeEnd, type CalendarState } from './free-time.js';

/**
 * Quarter hours since the epoch. Every UTC offset in use is a whole number of quarter hours
 * (India +05:30, Nepal +05:45, Chatham +12:45/+13:45, Lord Howe +10:30/+11:00), so these are
 * whole quarter hours on every wall clock too.
 */
export const QUARTER_HOUR = 15 * MINUTE;

/**
 * Bookable meetings of `durationMinutes` in the free time `free` (as `freeTime` gave it for the
 * same state and `now`). In each free interval they start at its beginning and step by the
 * calendar's slot interval (default: the slot length), never by less than MIN_SLOT_MINUTES (the
 * routes refuse shorter lengths; the floor keeps any caller's answer bounded), except that in the interval that
 * begins at now + notice, to the millisecond, they start at the next whole quarter hour: a first
 * slot at 06:28:07.211 would be in the past by the time anyone booked it.
 */
export function slots(
  state: CalendarState,
  free: readonly Interval[],
  durationMinutes: number,
  now: number,
): Interval[] {
  const length = durationMinutes * MINUTE;
  const stepMinutes = state.rules.slotIntervalMinutes ?? durationMinutes;
  const step = Math.max(stepMinutes, MIN_SLOT_MINUTES) * MINUTE;
  const cut = noticeEnd(state.rules, now);
  const result: Interval[] = [];
  for (const interval of free) {
    let start = interval.start === cut ? Math.ceil(cut / QUARTER_HOUR) * QUARTER_HOUR : interval.start;
    for (; start + length <= interval.end; start += step) result.push({ start, end: start + length });
  }
  return result;
}
