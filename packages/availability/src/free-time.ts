import { MINUTE, findContaining, mergeIntervals, overlaps, subtractIntervals, type Interval } from '@slotkeeper/time';
import { scheduleWindows, type CompiledSchedule } from './schedule-windows.js';

export interface ScheduleLink {
  schedule: CompiledSchedule;
  /** The link is in force before this instant; null never expires. */
  expiresOn: number | null;
}

export interface Rules {
  meetingDurationMinutes: number | null;
  bufferBeforeMinutes: number;
  bufferAfterMinutes: number;
  minNoticeMinutes: number;
}

export interface CalendarState {
  links: readonly ScheduleLink[];
  rules: Rules;
  /** Confirmed events: sorted by start and never overlapping; only those near the range matter. */
  events: readonly Interval[];
}

export interface OpenHoursOptions {
  ignoreExpiry?: boolean;
  ignoreOverrides?: boolean;
}

/** Union of the linked schedules' windows, each cut off at its link's expiry. */
export function openHours(links: readonly ScheduleLink[], range: Interval, options: OpenHoursOptions = {}): Interval[] {
  const windows: Interval[] = [];
  for (const link of links) {
    const end = options.ignoreExpiry || link.expiresOn === null ? range.end : Math.min(range.end, link.expiresOn);
    if (end > range.start) {
      windows.push(...scheduleWindows(link.schedule, { start: range.start, end }, options.ignoreOverrides));
    }
  }
  return mergeIntervals(windows);
}

/** How far an event reaches once its buffers are added. */
export function widen(event: Interval, rules: Rules): Interval {
  return {
    start: event.start - rules.bufferBeforeMinutes * MINUTE,
    end: event.end + rules.bufferAfterMinutes * MINUTE,
  };
}

/** Index of the first event that ends after `instant` (events are sorted and disjoint). */
function firstEndingAfter(events: readonly Interval[], instant: number): number {
  let low = 0;
  let high = events.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (events[mid]!.end > instant) high = mid;
    else low = mid + 1;
  }
  return low;
}

/**
 * The event `candidate` may not sit beside, if any: one it overlaps once the event is widened
 * by the buffers, or one its own buffers reach into. Logarithmic in the number of events.
 */
export function conflictingEvent(candidate: Interval, state: CalendarState): Interval | undefined {
  const { rules, events } = state;
  const reach = Math.max(rules.bufferBeforeMinutes, rules.bufferAfterMinutes) * MINUTE;
  for (let i = firstEndingAfter(events, candidate.start - reach); i < events.length; i++) {
    const event = events[i]!;
    if (event.start >= candidate.end + reach) break;
    if (overlaps(widen(candidate, rules), event) || overlaps(candidate, widen(event, rules))) return event;
  }
  return undefined;
}

/** Everything before now + the minimum notice: never bookable. */
export function tooSoon(state: CalendarState, now: number): Interval {
  return { start: Number.MIN_SAFE_INTEGER, end: now + state.rules.minNoticeMinutes * MINUTE };
}

/** Free time in `range`: open hours, minus widened events, minus everything before now + notice. */
export function freeTime(state: CalendarState, range: Interval, now: number): Interval[] {
  const blocked = mergeIntervals([tooSoon(state, now), ...state.events.map((event) => widen(event, state.rules))]);
  return subtractIntervals(openHours(state.links, range), blocked);
}

/**
 * Bookable meetings of `durationMinutes`: from the start of each free interval, stepping by the
 * duration, keeping those that also pass the booking check (their own buffers clear of events).
 */
export function slots(state: CalendarState, free: readonly Interval[], durationMinutes: number): Interval[] {
  const length = durationMinutes * MINUTE;
  const result: Interval[] = [];
  for (const interval of free) {
    for (let start = interval.start; start + length <= interval.end; start += length) {
      const slot = { start, end: start + length };
      if (!conflictingEvent(slot, state)) result.push(slot);
    }
  }
  return result;
}

export type Unbookable =
  | { kind: 'wrong_duration' | 'in_past' | 'min_notice' | 'outside_availability' | 'link_expired'; message: string }
  | { kind: 'conflict'; event: Interval };

/**
 * The booking predicate. A candidate passes exactly when `slots`/`freeTime` would list it:
 * inside one free interval, clear of every event and its buffers.
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
  if (candidate.start < tooSoon(state, now).end) {
    return { kind: 'min_notice', message: `events must be booked at least ${rules.minNoticeMinutes} minutes ahead` };
  }
  const conflict = conflictingEvent(candidate, state);
  if (conflict) return { kind: 'conflict', event: conflict };
  if (!findContaining(openHours(state.links, candidate), candidate)) {
    if (findContaining(openHours(state.links, candidate, { ignoreExpiry: true }), candidate)) {
      return { kind: 'link_expired', message: 'the schedule link covering this time has expired' };
    }
    return { kind: 'outside_availability', message: "the event is not inside the calendar's availability" };
  }
  return null;
}
