import type { DateOverride, Rules, WeeklySlot } from '@slotkeeper/contracts';
import { compileSchedule, defaultRules, OpenHours, type CalendarState, type ScheduleLink } from '../src/index.js';

export const at = (iso: string) => Date.parse(iso);
export const range = (from: string, to: string) => ({ start: at(from), end: at(to) });
export const iso = (intervals: ReadonlyArray<{ start: number; end: number }>) =>
  intervals.map((i) => [new Date(i.start).toISOString(), new Date(i.end).toISOString()]);
export const hhmm = (ms: number) => new Date(ms).toISOString().slice(11, 16);

export const noRules: Rules = defaultRules;
export const LONG_AGO = at('2000-01-01T00:00:00Z');

export function schedule(timezone: string, timeSlots: WeeklySlot[], dateOverrides: DateOverride[] = []) {
  return compileSchedule({ timezone, timeSlots, dateOverrides });
}

/** A calendar state from its links (each a fresh memo of open hours), rules, events and busy times. */
export function state(
  links: ScheduleLink[],
  partial: { rules?: Partial<Rules>; events?: CalendarState['events']; busy?: CalendarState['busy'] } = {},
): CalendarState {
  return {
    hours: new OpenHours(links),
    rules: { ...noRules, ...partial.rules },
    events: partial.events ?? [],
    busy: partial.busy ?? [],
  };
}

export const monday = (startTime: string, endTime: string): WeeklySlot => ({ dayOfWeek: 'monday', startTime, endTime });
export const sunday = (startTime: string, endTime: string): WeeklySlot => ({ dayOfWeek: 'sunday', startTime, endTime });
