import { DAYS_OF_WEEK, type TimeRange, type WeeklySchedule } from '@slotkeeper/contracts';
import { localTimeToInstant, wallClockToMinutes, type Interval } from '@slotkeeper/time';

/** Minutes after local midnight, [start, end); end may be 1440 ("24:00"). */
interface WallRange {
  start: number;
  end: number;
}

/** A schedule prepared once for repeated expansion: slots merged by weekday, overrides by date. */
export interface CompiledSchedule {
  timezone: string;
  /** By ISO weekday (1 = Monday … 7 = Sunday); merged and sorted. */
  weekly: ReadonlyMap<number, readonly WallRange[]>;
  /** By local date `YYYY-MM-DD`; merged and sorted; empty closes the day. */
  overrides: ReadonlyMap<string, readonly WallRange[]>;
}

/**
 * Merges wall-clock ranges before they are read in a zone: reading them is monotone (a gap's
 * times move after the gap, a repeated hour's to its first occurrence), so merging first gives
 * the same union with fewer conversions.
 */
function mergeWall(ranges: WallRange[]): WallRange[] {
  const merged: WallRange[] = [];
  for (const next of ranges.filter((r) => r.end > r.start).sort((a, b) => a.start - b.start)) {
    const last = merged[merged.length - 1];
    if (last && next.start <= last.end) last.end = Math.max(last.end, next.end);
    else merged.push({ ...next });
  }
  return merged;
}

const toRange = (slot: TimeRange): WallRange => ({
  start: wallClockToMinutes(slot.startTime),
  end: wallClockToMinutes(slot.endTime),
});

export function compileSchedule(schedule: WeeklySchedule): CompiledSchedule {
  const byDay = new Map<number, WallRange[]>();
  for (const slot of schedule.timeSlots) {
    const weekday = DAYS_OF_WEEK.indexOf(slot.dayOfWeek) + 1;
    byDay.set(weekday, [...(byDay.get(weekday) ?? []), toRange(slot)]);
  }
  const weekly = new Map([...byDay].map(([day, ranges]) => [day, mergeWall(ranges)]));
  const overrides = new Map(schedule.dateOverrides.map((o) => [o.date, mergeWall(o.timeSlots.map(toRange))]));
  return { timezone: schedule.timezone, weekly, overrides };
}

export const DAY = 86_400_000;

/**
 * The open hours of one schedule on one local date (its number of days since 1970-01-01), read
 * on the wall clock of the schedule's zone (DST policy in `localTimeToInstant`); a date override
 * replaces that date's weekly slots. Sorted and disjoint, possibly touching at a DST change.
 */
export function windowsOnDate(schedule: CompiledSchedule, dateIndex: number, ignoreOverrides = false): Interval[] {
  const d = new Date(dateIndex * DAY);
  const override = ignoreOverrides ? undefined : schedule.overrides.get(d.toISOString().slice(0, 10));
  const ranges = override ?? schedule.weekly.get(d.getUTCDay() || 7) ?? [];
  if (ranges.length === 0) return [];
  const date = { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
  const midnight = localTimeToInstant(date, 0, schedule.timezone);
  // A day of 24 hours has no offset change in it (the rule for almost every date): its wall
  // clock runs with UTC, and one reading of the zone serves every slot.
  const linear = localTimeToInstant(date, 1440, schedule.timezone) - midnight === DAY;
  const instant = (minute: number) =>
    linear ? midnight + minute * 60_000 : localTimeToInstant(date, minute, schedule.timezone);
  const windows: Interval[] = [];
  for (const range of ranges) {
    const start = instant(range.start);
    const end = instant(range.end);
    // A range wholly inside a spring-forward gap is empty.
    if (end > start) windows.push({ start, end });
  }
  return windows;
}
