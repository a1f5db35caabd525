import { SourceError } from '../src/index.js';

/** Small iCalendar objects for the tests, written by hand so the tests depend on no writer of ours. */
export function eventIcs(
  uid: string,
  start: string,
  end: string,
  { summary = 'Busy', rrule }: { summary?: string; rrule?: string } = {},
): string {
  return [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Slotkeeper tests//EN',
    'BEGIN:VEVENT',
    `UID:${uid}`,
    'DTSTAMP:20261101T000000Z',
    `DTSTART:${start}`,
    `DTEND:${end}`,
    ...(rrule === undefined ? [] : [`RRULE:${rrule}`]),
    `SUMMARY:${summary}`,
    'END:VEVENT',
    'END:VCALENDAR',
    '',
  ].join('\r\n');
}

/** The UIDs of the VEVENTs in some iCalendar texts, sorted. */
export const uidsOf = (texts: readonly string[]): string[] =>
  texts.flatMap((text) => [...text.matchAll(/^UID:(.*?)\r?$/gm)].map((m) => m[1] ?? '')).sort();

/** The SourceError a call fails with; any other outcome fails the test. */
export async function failureOf(call: Promise<unknown>): Promise<SourceError> {
  const outcome = await call.then(
    () => 'resolved',
    (error: unknown) => error,
  );
  if (!(outcome instanceof SourceError)) throw new Error(`expected a SourceError, got ${String(outcome)}`);
  return outcome;
}
