import { intersectIntervals, mergeIntervals, subtractIntervals, type Interval } from '@slotkeeper/time';
import { freeTime, openHours, tooSoon, widen, type CalendarState } from './free-time.js';

export const UNAVAILABLE_REASONS = [
  'min_notice',
  'event',
  'buffer',
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
 * the first that applies in this order: before now + notice, an event, an event's buffer, an
 * expired link, a date override that closed it, outside the weekly hours.
 */
export function explainUnavailable(state: CalendarState, range: Interval, now: number): Unavailable[] {
  const weekly = openHours(state.links, range, { ignoreExpiry: true, ignoreOverrides: true });
  const unexpired = openHours(state.links, range, { ignoreExpiry: true });
  const causes: Record<Exclude<UnavailableReason, 'outside_hours'>, Interval[]> = {
    min_notice: [tooSoon(state, now)],
    event: mergeIntervals([...state.events]),
    buffer: mergeIntervals(state.events.map((event) => widen(event, state.rules))),
    link_expired: subtractIntervals(unexpired, openHours(state.links, range)),
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
