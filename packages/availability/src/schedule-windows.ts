import type { DayOfWeek, ScheduleSnapshot } from '@slotkeeper/contracts';
import { DAYS_OF_WEEK } from '@slotkeeper/contracts';
import {
  clipIntervals,
  localDatesCovering,
  localTimeToInstant,
  mergeIntervals,
  wallClockToMinutes,
  type Interval,
} from '@slotkeeper/time';

interface WallRange {
  start: number;
  end: number;
}

/** A schedule prepared once for repeated expansion: slots grouped by weekday, overrides by date. */
export interface CompiledSchedule {
  timezone: string;
  weekly: Map<number, WallRange[]>;
  overrides: Map<string, WallRange[]>;
}

const toRange = (slot: { start_time: string; end_time: string }): WallRange => ({
  start: wallClockToMinutes(slot.start_time),
  end: wallClockToMinutes(slot.end_time),
});

export function compileSchedule(schedule: Omit<ScheduleSnapshot, 'id'>): CompiledSchedule {
  const weekly = new Map<number, WallRange[]>();
  for (const slot of schedule.time_slots) {
    const weekday = DAYS_OF_WEEK.indexOf(slot.day_of_week as DayOfWeek) + 1;
    weekly.set(weekday, [...(weekly.get(weekday) ?? []), toRange(slot)]);
  }
  const overrides = new Map(schedule.date_overrides.map((o) => [o.date, o.time_slots.map(toRange)]));
  return { timezone: schedule.timezone, weekly, overrides };
}

/**
 * The open hours of one schedule inside `range`, read on the wall clock of its own timezone
 * (DST policy in `localTimeToInstant`); a date override replaces that date's weekly slots.
 */
export function scheduleWindows(schedule: CompiledSchedule, range: Interval, ignoreOverrides = false): Interval[] {
  const windows: Interval[] = [];
  for (const date of localDatesCovering(range.start, range.end)) {
    const override = ignoreOverrides ? undefined : schedule.overrides.get(date.iso);
    const slots = override ?? schedule.weekly.get(date.weekday) ?? [];
    for (const slot of slots) {
      windows.push({
        start: localTimeToInstant(date, slot.start, schedule.timezone),
        end: localTimeToInstant(date, slot.end, schedule.timezone),
      });
    }
  }
  return mergeIntervals(clipIntervals(windows, range));
}
