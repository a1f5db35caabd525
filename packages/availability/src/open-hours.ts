import { mergeIntervals, type Interval } from '@slotkeeper/time';
import { DAY, windowsOnDate, type CompiledSchedule } from './schedule-windows.js';

export interface ScheduleLink {
  schedule: CompiledSchedule;
  /** The link is in force before this instant; null never expires. */
  expiresOn: number | null;
}

/**
 * Which open hours: those of the links in force (what is bookable), or, to explain why a time
 * is closed, those before links expire, or the weekly hours alone (no expiry, no overrides).
 */
export type HoursVariant = 'in_force' | 'ignoring_expiry' | 'weekly';
const VARIANTS: Record<HoursVariant, number> = { in_force: 0, ignoring_expiry: 1, weekly: 2 };

/** A memo of a few months of the heaviest calendar (10 schedules of 200 weekly slots). */
const MAX_HELD = 300_000;
const RANGES_KEPT = 4;

/**
 * The union of a calendar's linked schedules, computed once per UTC day and kept: every request
 * at one version of the calendar (same links, same expiries) shares the work. Each schedule is
 * read in its own zone once per local date; UTC day d takes the local dates d − 1, d and d + 1,
 * which is where every zone's day d can reach (offsets lie within −12 h … +14 h).
 */
export class OpenHours {
  private readonly days = new Map<number, readonly Interval[]>();
  private readonly dates = new Map<number, readonly Interval[]>();
  /** The last ranges asked for: a booking page asks for the same month again and again. */
  private readonly ranges = new Map<string, readonly Interval[]>();
  private held = 0;

  constructor(readonly links: readonly ScheduleLink[]) {}

  /** Intervals the memo holds: what keeping this object costs. */
  get size(): number {
    return this.held;
  }

  /** Whether UTC day `day` (days since 1970-01-01) still has to be computed. */
  isMissing(day: number, variant: HoursVariant = 'in_force'): boolean {
    return !this.days.has(day * 3 + VARIANTS[variant]);
  }

  /** The UTC days `range` touches. */
  static daysOf(range: Interval): number[] {
    const days: number[] = [];
    for (let day = Math.floor(range.start / DAY); day * DAY < range.end; day++) days.push(day);
    return days;
  }

  /** Open hours in UTC day `day`, sorted and merged; shared, never to be changed. */
  day(day: number, variant: HoursVariant = 'in_force'): readonly Interval[] {
    const key = day * 3 + VARIANTS[variant];
    let hours = this.days.get(key);
    if (!hours) {
      hours = this.compute(day, variant);
      this.remember(this.days, key, hours);
    }
    return hours;
  }

  /**
   * Open hours in `range`, sorted and merged (across midnight too). Shared with the memo and
   * frozen: a month of a busy calendar is thousands of intervals, and copying them for every
   * request made work for the garbage collector in the middle of other requests.
   */
  between(range: Interval, variant: HoursVariant = 'in_force'): readonly Interval[] {
    if (range.end - range.start <= DAY) return this.gather(range, variant);
    const key = `${variant} ${range.start} ${range.end}`;
    let hours = this.ranges.get(key);
    if (hours) {
      this.ranges.delete(key);
    } else {
      hours = Object.freeze(this.gather(range, variant).map((i) => Object.freeze(i)));
      if (this.ranges.size >= RANGES_KEPT) {
        const [oldest, dropped] = this.ranges.entries().next().value!;
        this.ranges.delete(oldest);
        this.held -= dropped.length;
      }
      this.held += hours.length;
    }
    this.ranges.set(key, hours);
    return hours;
  }

  private gather(range: Interval, variant: HoursVariant): Interval[] {
    const result: Interval[] = [];
    for (let day = Math.floor(range.start / DAY); day * DAY < range.end; day++) {
      for (const window of this.day(day, variant)) {
        if (window.end <= range.start) continue;
        if (window.start >= range.end) break;
        const last = result[result.length - 1];
        if (last && last.end >= window.start) {
          // Hours that run on across midnight UTC.
          result[result.length - 1] = { start: last.start, end: Math.min(Math.max(last.end, window.end), range.end) };
        } else if (window.start < range.start || window.end > range.end) {
          result.push({ start: Math.max(window.start, range.start), end: Math.min(window.end, range.end) });
        } else result.push(window);
      }
    }
    return result;
  }

  private compute(day: number, variant: HoursVariant): readonly Interval[] {
    const dayStart = day * DAY;
    const dayEnd = dayStart + DAY;
    const windows: Interval[] = [];
    this.links.forEach((link, index) => {
      const end = variant === 'in_force' && link.expiresOn !== null ? Math.min(dayEnd, link.expiresOn) : dayEnd;
      if (end <= dayStart) return;
      for (let date = day - 1; date <= day + 1; date++) {
        for (const window of this.onDate(index, date, variant === 'weekly')) {
          const start = Math.max(window.start, dayStart);
          const stop = Math.min(window.end, end);
          if (stop > start) windows.push({ start, end: stop });
        }
      }
    });
    return Object.freeze(mergeIntervals(windows).map((i) => Object.freeze(i)));
  }

  private onDate(link: number, date: number, ignoreOverrides: boolean): readonly Interval[] {
    const key = (date * this.links.length + link) * 2 + (ignoreOverrides ? 1 : 0);
    let windows = this.dates.get(key);
    if (!windows) {
      windows = windowsOnDate(this.links[link]!.schedule, date, ignoreOverrides);
      this.remember(this.dates, key, windows);
    }
    return windows;
  }

  private remember(memo: Map<number, readonly Interval[]>, key: number, value: readonly Interval[]): void {
    // One calendar asked about ever more dates: start again rather than grow without bound.
    if (this.held >= MAX_HELD) {
      this.days.clear();
      this.dates.clear();
      this.ranges.clear();
      this.held = 0;
    }
    memo.set(key, value);
    this.held += value.length + 1;
  }
}
