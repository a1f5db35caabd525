/**
 * An iCalendar file (RFC 5545) for one booked meeting: CRLF line ends, lines folded at 75 octets
 * (never inside a UTF-8 character), text values escaped, times in UTC. Written here rather than
 * with ical-generator (which the notification service uses for its invites): one event of five
 * fields does not justify a second library in the page's 50 KB budget.
 */

export interface IcsMeeting {
  uid: string;
  start: string;
  end: string;
  summary: string;
  description?: string;
  stamp?: number;
}

/** `20300624T070000Z` for an ISO instant. */
export const icsTime = (instant: string | number) =>
  new Date(instant)
    .toISOString()
    .replace(/\.\d{3}/, '')
    .replace(/[-:]/g, '');

/** Escapes a TEXT value: backslash, semicolon, comma, and line breaks as `\n`. */
export const escapeText = (text: string) =>
  text
    .replace(/\\/g, '\\\\')
    .replace(/;/g, '\\;')
    .replace(/,/g, '\\,')
    .replace(/\r\n|\r|\n/g, '\\n');

const encoder = new TextEncoder();

/** Splits a content line into pieces of at most 75 octets; each continuation starts with one space. */
export function foldLine(line: string): string {
  const pieces: string[] = [];
  let piece = '';
  let octets = 0;
  for (const char of line) {
    const size = encoder.encode(char).length;
    const limit = pieces.length === 0 ? 75 : 74;
    if (octets + size > limit) {
      pieces.push(piece);
      piece = '';
      octets = 0;
    }
    piece += char;
    octets += size;
  }
  pieces.push(piece);
  return pieces.join('\r\n ');
}

export function icsFile(meeting: IcsMeeting): string {
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Slotkeeper//Booking pages//EN',
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    'BEGIN:VEVENT',
    `UID:${meeting.uid}`,
    `DTSTAMP:${icsTime(meeting.stamp ?? Date.now())}`,
    `DTSTART:${icsTime(meeting.start)}`,
    `DTEND:${icsTime(meeting.end)}`,
    'SEQUENCE:0',
    `SUMMARY:${escapeText(meeting.summary)}`,
    ...(meeting.description ? [`DESCRIPTION:${escapeText(meeting.description)}`] : []),
    'STATUS:CONFIRMED',
    'END:VEVENT',
    'END:VCALENDAR',
  ];
  return lines.map(foldLine).join('\r\n') + '\r\n';
}
