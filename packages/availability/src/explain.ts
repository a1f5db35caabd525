import { intersectIntervals, mergeIntervals, subtractIntervals, type Interval } from '@slotkeeper/time';
import { blockedBy, freeTime, outsideWindow, type CalendarState } from './free-time.js';

/** In precedence order: an unavailable instant gets the first that applies. */
export const UNAVAILABLE_REASONS = [
  'min_notice',
  'horizon',
  'event',
  'buffer',
  'busy_source',
  'link_expired',
  'date_override',
  'outside_hours',
] as const;
export type UnavailableReason = (typeof UNAVAILABLE_REASONS)[number];

export interface Unavailable extends Interval {
  reason: UnavailableReason;
}

/**
 * Why each part of `range` outside the free time is unavailable. Every instant gets one reason,
 * the first that applies in this order: before now + notice (the past included), after now +
 * horizon, an event, the time an event keeps clear around it (`buffer`), a busy time of an
 * outside calendar and the time it keeps clear around it (`busy_source`: `buffer` is what an
 * event of this calendar keeps clear, and the owner is told which of the two is in the way), an
 * expired link, a date override that closed it, outside the weekly hours.
 */
export function explainUnavailable(state: CalendarState, range: Interval, now: number): Unavailable[] {
  const { hours, rules, events, busy } = state;
  const weekly = hours.between(range, 'weekly');
  const unexpired = hours.between(range, 'ignoring_expiry');
  const { tooSoon, tooLate } = outsideWindow(rules, now);
  const causes: Record<Exclude<UnavailableReason, 'outside_hours'>, Interval[]> = {
    min_notice: [tooSoon],
    horizon: tooLate ? [tooLate] : [],
    event: mergeIntervals(events),
    buffer: mergeIntervals(events.map((event) => blockedBy(event, rules))),
    busy_source: mergeIntervals(busy.map((interval) => blockedBy(interval, rules))),
    link_expired: subtractIntervals(unexpired, hours.between(range)),
    date_override: subtractIntervals(weekly, unexpired),
  };
  let remaining = subtractIntervals([range], freeTime(state, range, now));
  const result: Unavailable[] = [];
  for (const [reason, intervals] of Object.entries(causes) as Array<[UnavailableReason, Interval[]]>) {
    result.push(...intersectIntervals(remaining, intervals).map((i) => ({ ...i, reason })));
    remaining = subtractIntervals(remaining, intervals);
  }
  result.push(...remaining.map((i) => ({ ...i, reason: 'outside_hours' as const })));
  return result.sort((a, b) => a.start - b.start);
}
