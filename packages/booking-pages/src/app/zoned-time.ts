/**
 * Dates and times in a chosen IANA zone, with the platform's `Intl` only (no date library: the
 * page stays small). Calendar days are keys `YYYY-MM-DD` and months `YYYY-MM`; a key names a day
 * on the wall calendar, so its weekday and month name are computed in UTC, where no offset can
 * move it to a neighbouring day.
 */

const MINUTE = 60_000;
const pad = (value: number, width = 2) => String(value).padStart(width, '0');

const partFormats = new Map<string, Intl.DateTimeFormat>();
function partsFormat(zone: string): Intl.DateTimeFormat {
  let format = partFormats.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    partFormats.set(zone, format);
  }
  return format;
}

/** The wall-clock fields of an instant in a zone. */
function wallClock(instant: number, zone: string) {
  const fields: Record<string, number> = {};
  for (const part of partsFormat(zone).formatToParts(instant)) {
    if (part.type !== 'literal') fields[part.type] = Number(part.value);
  }
  const get = (name: string) => fields[name] ?? 0;
  return { year: get('year'), month: get('month'), day: get('day'), hour: get('hour'), minute: get('minute') };
}

/** How far the zone's wall clock is ahead of UTC at this instant, in minutes. */
export function offsetMinutes(instant: number, zone: string): number {
  const wall = wallClock(instant, zone);
  const asUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute);
  return Math.round((asUtc - Math.floor(instant / MINUTE) * MINUTE) / MINUTE);
}

/** The first instant of this day in the zone: its midnight, or the first moment after one a clock change skips. */
export function zonedMidnight(dateKey: string, zone: string): number {
  const [year = 1970, month = 1, day = 1] = dateKey.split('-').map(Number);
  const wall = Date.UTC(year, month - 1, day);
  // The zone's offset a day before and a day after: midnight is the wall time read with one of them.
  const candidates = [wall - 36 * 3_600_000, wall + 36 * 3_600_000].map(
    (probe) => wall - offsetMinutes(probe, zone) * MINUTE,
  );
  const onThisDay = candidates.filter((instant) => localParts(instant, zone).dateKey === dateKey);
  if (onThisDay.length > 0) return Math.min(...onThisDay);
  // Midnight skipped by a change: the day starts where the later offset begins.
  return Math.max(...candidates);
}

/** An instant as ISO-8601 local time in the zone with its offset, e.g. `2030-06-01T00:00:00+05:30`. */
export function isoInZone(instant: number, zone: string): string {
  const offset = offsetMinutes(instant, zone);
  const wall = new Date(instant + offset * MINUTE).toISOString().slice(0, 19);
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  return `${wall}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** Today's date key in the zone. */
export function todayIn(zone: string, now = Date.now()): string {
  const wall = wallClock(now, zone);
  return `${wall.year}-${pad(wall.month)}-${pad(wall.day)}`;
}

/** The month key `months` after (or before) the given one. */
export function addMonths(monthKey: string, months: number): string {
  const [year = 1970, month = 1] = monthKey.split('-').map(Number);
  const date = new Date(Date.UTC(year, month - 1 + months, 1));
  return date.toISOString().slice(0, 7);
}

/** The date keys of a month, first to last. */
export function daysOfMonth(monthKey: string): string[] {
  const [year = 1970, month = 1] = monthKey.split('-').map(Number);
  const count = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return Array.from({ length: count }, (_, index) => `${monthKey}-${pad(index + 1)}`);
}

/** 0 for Monday … 6 for Sunday. */
export function weekdayIndex(dateKey: string): number {
  return (new Date(`${dateKey}T00:00:00Z`).getUTCDay() + 6) % 7;
}

/** `[from, to)` of a month in the zone: its first midnight and the next month's, as ISO with offsets. */
export function monthRange(monthKey: string, zone: string): { from: string; to: string } {
  return {
    from: isoInZone(zonedMidnight(`${monthKey}-01`, zone), zone),
    to: isoInZone(zonedMidnight(`${addMonths(monthKey, 1)}-01`, zone), zone),
  };
}

// The pages are in English: the names are ours, so no locale's data is loaded for them (in a
// browser's new page, each locale Intl first formats in costs tens of milliseconds).
const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const monthName = (key: string) => MONTHS[Number(key.slice(5, 7)) - 1] ?? '';

/** "Monday 24 June". */
export const formatDay = (dateKey: string) =>
  `${WEEKDAYS[weekdayIndex(dateKey)]} ${Number(dateKey.slice(8, 10))} ${monthName(dateKey)}`;
/** "Monday 24 June 2030". */
export const formatFullDay = (dateKey: string) => `${formatDay(dateKey)} ${dateKey.slice(0, 4)}`;
/** "June 2030". */
export const formatMonth = (monthKey: string) => `${monthName(monthKey)} ${monthKey.slice(0, 4)}`;

/** The date key and `HH:MM` of an instant in the zone. */
export function localParts(instant: number, zone: string): { dateKey: string; time: string } {
  const wall = wallClock(instant, zone);
  return { dateKey: `${wall.year}-${pad(wall.month)}-${pad(wall.day)}`, time: `${pad(wall.hour)}:${pad(wall.minute)}` };
}

/** The length of a meeting given by its ISO start and end, in whole minutes. */
export const minutesBetween = (start: string, end: string) =>
  Math.round((Date.parse(end) - Date.parse(start)) / MINUTE);

/** "Monday 24 June 2030, 12:30–13:00, Asia/Kolkata" for a meeting given by its ISO start and end. */
export function formatMeeting(start: string, end: string, zone: string): string {
  const from = localParts(Date.parse(start), zone);
  const to = localParts(Date.parse(end), zone);
  const endText = to.dateKey === from.dateKey ? to.time : `${formatDay(to.dateKey)} ${to.time}`;
  return `${formatFullDay(from.dateKey)}, ${from.time}–${endText}, ${zone}`;
}
