import { DateTime, IANAZone } from 'luxon';

export function isValidZone(zone: string): boolean {
  return IANAZone.isValidZone(zone);
}

/**
 * Renders an instant: UTC with `Z` by default, or in `zone` with its offset
 * (`2030-06-24T15:00:00.000+02:00`).
 */
export function formatInstant(instant: Date | number, zone?: string): string {
  const date = typeof instant === 'number' ? new Date(instant) : instant;
  if (!zone) return date.toISOString();
  return DateTime.fromJSDate(date, { zone }).toISO({ includeOffset: true }) ?? date.toISOString();
}

export interface LocalDate {
  year: number;
  month: number;
  day: number;
}

/** "HH:mm" (00:00–24:00) to minutes after midnight. */
export function wallClockToMinutes(time: string): number {
  const [hours, minutes] = time.split(':').map(Number);
  return hours! * 60 + minutes!;
}

/**
 * The instant at which a wall-clock time occurs on a local date in `zone`, with this DST policy:
 * - a time inside a spring-forward gap moves to the first instant after the gap;
 * - a time repeated by a fall-back change resolves to its earlier occurrence;
 * - minute 1440 ("24:00") is midnight at the start of the next local day.
 */
export function localTimeToInstant(date: LocalDate, minuteOfDay: number, zone: string): number {
  const tz = IANAZone.create(zone);
  const asUtc = Date.UTC(date.year, date.month - 1, date.day, 0, minuteOfDay);
  const stable = stableOffset(tz, date);
  if (stable !== null) return asUtc - stable * 60_000;
  const offsets = new Set([-86_400_000, 0, 86_400_000].map((shift) => tz.offset(asUtc + shift)));
  const valid = [...offsets]
    .map((offset) => asUtc - offset * 60_000)
    .filter((instant) => asUtc - tz.offset(instant) * 60_000 === instant);
  if (valid.length > 0) return Math.min(...valid);
  return firstInstantAfterGap(tz, asUtc, offsets);
}

const DAY = 86_400_000;
const stableOffsets = new Map<string, number | null>();

/**
 * The zone's offset on `date` when it is the same a day before and two days after (no change
 * near that date, as on almost every day), else null. Asking the zone costs microseconds
 * (Intl), so the answer is kept per zone and date; tz rules do not change while a process runs.
 */
function stableOffset(tz: IANAZone, date: LocalDate): number | null {
  const key = `${tz.name}|${date.year}-${date.month}-${date.day}`;
  let offset = stableOffsets.get(key);
  if (offset === undefined) {
    const midnight = Date.UTC(date.year, date.month - 1, date.day);
    const before = tz.offset(midnight - DAY);
    offset = before === tz.offset(midnight + 2 * DAY) ? before : null;
    if (stableOffsets.size >= 200_000) stableOffsets.clear();
    stableOffsets.set(key, offset);
  }
  return offset;
}

function firstInstantAfterGap(tz: IANAZone, asUtc: number, offsets: Set<number>): number {
  // Reading the wall time with the later (larger) offset lands before the change, with the
  // earlier one after it; the change lies between, on a whole minute.
  const minOffset = Math.min(...offsets);
  const maxOffset = Math.max(...offsets);
  let before = asUtc - maxOffset * 60_000;
  let after = asUtc - minOffset * 60_000;
  const offsetAfter = tz.offset(after);
  while (after - before > 60_000) {
    const mid = before + Math.floor((after - before) / 120_000) * 60_000;
    if (tz.offset(mid) === offsetAfter) after = mid;
    else before = mid;
  }
  return after;
}

/** Every zone's offset lies within ±14 hours of UTC. */
const MAX_OFFSET = 14 * 3_600_000;

/**
 * Calendar dates that may touch [start, end) in any zone, with ISO weekday (1 = Monday): the
 * UTC dates of the range widened by the largest offset and a day either side, so slots that
 * cross midnight or DST edges are never missed. Callers clip what they build to the range.
 */
export function localDatesCovering(start: number, end: number): Array<LocalDate & { weekday: number; iso: string }> {
  const dates: Array<LocalDate & { weekday: number; iso: string }> = [];
  const first = Math.floor((start - MAX_OFFSET) / DAY) - 1;
  const last = Math.floor((end + MAX_OFFSET) / DAY) + 1;
  for (let day = first; day <= last; day++) {
    const d = new Date(day * DAY);
    const iso = d.toISOString().slice(0, 10);
    dates.push({
      year: d.getUTCFullYear(),
      month: d.getUTCMonth() + 1,
      day: d.getUTCDate(),
      weekday: d.getUTCDay() || 7,
      iso,
    });
  }
  return dates;
}

/** [start, end) of the calendar day `isoDate` in `zone`. */
export function dayRange(isoDate: string, zone: string): { start: number; end: number } {
  const day = DateTime.fromISO(isoDate, { zone }).startOf('day');
  const next = day.plus({ days: 1 });
  const parts = (d: DateTime): LocalDate => ({ year: d.year, month: d.month, day: d.day });
  return { start: localTimeToInstant(parts(day), 0, zone), end: localTimeToInstant(parts(next), 0, zone) };
}
