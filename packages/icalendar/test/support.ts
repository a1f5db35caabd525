import { readFileSync } from 'node:fs';
import { DateTime } from 'luxon';
import type { Interval } from '@slotkeeper/time';

/** A fixture as an export sends it: lines end with CRLF. */
export function fixture(name: string): string {
  return readFileSync(new URL(`fixtures/${name}`, import.meta.url), 'utf8').replace(/\r?\n/g, '\r\n');
}

/** [from, to) given as UTC instants ("2026-03-02T14:30"). */
export function utc(from: string, to: string): Interval {
  return { start: Date.parse(`${from}:00Z`), end: Date.parse(`${to}:00Z`) };
}

/** [from, to) given as wall-clock times in `zone`, read by luxon ("2026-10-25T00:00"). */
export function local(from: string, to: string, zone: string): Interval {
  return { start: DateTime.fromISO(from, { zone }).toMillis(), end: DateTime.fromISO(to, { zone }).toMillis() };
}

export const YEAR_2026 = utc('2026-01-01T00:00', '2027-01-01T00:00');

export const HOUR = 3_600_000;

/** A VCALENDAR around some VEVENT lines, CRLF. */
export function calendar(...events: string[][]): string {
  const lines = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//test//EN'];
  for (const event of events) lines.push('BEGIN:VEVENT', ...event, 'END:VEVENT');
  lines.push('END:VCALENDAR');
  return `${lines.join('\r\n')}\r\n`;
}

/** Readable intervals for failure messages. */
export function iso(intervals: readonly Interval[]): string[] {
  return intervals.map((i) => `${new Date(i.start).toISOString()} – ${new Date(i.end).toISOString()}`);
}
