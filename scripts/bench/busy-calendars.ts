/**
 * Outside calendars for the availability benchmark: iCalendar files of `count` events in the
 * shapes real exports have, served by a local HTTP server. Deterministic (a seeded generator), so
 * every run measures the same files.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DateTime } from 'luxon';

/** A small deterministic generator (mulberry32). */
function random(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const BERLIN = [
  'BEGIN:VTIMEZONE',
  'TZID:Europe/Berlin',
  'BEGIN:DAYLIGHT',
  'TZOFFSETFROM:+0100',
  'TZOFFSETTO:+0200',
  'TZNAME:CEST',
  'DTSTART:19700329T020000',
  'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU',
  'END:DAYLIGHT',
  'BEGIN:STANDARD',
  'TZOFFSETFROM:+0200',
  'TZOFFSETTO:+0100',
  'TZNAME:CET',
  'DTSTART:19701025T030000',
  'RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU',
  'END:STANDARD',
  'END:VTIMEZONE',
];

const local = (time: DateTime) => time.toFormat("yyyyMMdd'T'HHmmss");

/**
 * One calendar of `count` events around `now`: 80 % single meetings over the next 12 months
 * (in Berlin time, some all-day, some transparent), 14 % weekly series begun up to a year ago
 * (with an EXDATE and a moved occurrence), 6 % daily series of 20–60 occurrences.
 */
export function busyCalendar(count: number, now: string, seed: number): string {
  const next = random(seed);
  const start = DateTime.fromISO(now, { zone: 'Europe/Berlin' }).startOf('day');
  const lines = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Slotkeeper bench//EN', ...BERLIN];
  const event = (uid: string, body: string[]) =>
    lines.push('BEGIN:VEVENT', `UID:${uid}`, 'DTSTAMP:20300101T000000Z', ...body, 'END:VEVENT');
  const at = (days: number, minutes: number) => start.plus({ days, minutes });
  for (let i = 0; i < count; i++) {
    const kind = i % 50;
    const day = Math.floor(next() * 365);
    const minute = 7 * 60 + Math.floor(next() * 40) * 15;
    const begin = at(day, minute);
    const end = begin.plus({ minutes: 30 + Math.floor(next() * 4) * 15 });
    const uid = `bench-${seed}-${i}@example.com`;
    if (kind < 7) {
      const first = at(-Math.floor(next() * 365), minute);
      event(uid, [
        `DTSTART;TZID=Europe/Berlin:${local(first)}`,
        `DTEND;TZID=Europe/Berlin:${local(first.plus({ minutes: 45 }))}`,
        'RRULE:FREQ=WEEKLY',
        `EXDATE;TZID=Europe/Berlin:${local(first.plus({ weeks: 3 }))}`,
      ]);
      // One occurrence moved an hour later.
      event(uid, [
        `RECURRENCE-ID;TZID=Europe/Berlin:${local(first.plus({ weeks: 5 }))}`,
        `DTSTART;TZID=Europe/Berlin:${local(first.plus({ weeks: 5, hours: 1 }))}`,
        `DTEND;TZID=Europe/Berlin:${local(first.plus({ weeks: 5, hours: 1, minutes: 45 }))}`,
      ]);
    } else if (kind < 10) {
      event(uid, [
        `DTSTART;TZID=Europe/Berlin:${local(begin)}`,
        `DTEND;TZID=Europe/Berlin:${local(begin.plus({ minutes: 15 }))}`,
        `RRULE:FREQ=DAILY;COUNT=${20 + Math.floor(next() * 40)}`,
      ]);
    } else if (kind < 12) {
      event(uid, [
        `DTSTART;VALUE=DATE:${begin.toFormat('yyyyMMdd')}`,
        `DTEND;VALUE=DATE:${begin.plus({ days: 1 }).toFormat('yyyyMMdd')}`,
      ]);
    } else {
      event(uid, [
        `DTSTART;TZID=Europe/Berlin:${local(begin)}`,
        `DTEND;TZID=Europe/Berlin:${local(end)}`,
        ...(kind === 12 ? ['TRANSP:TRANSPARENT'] : []),
      ]);
    }
  }
  lines.push('END:VCALENDAR');
  return lines.join('\r\n') + '\r\n';
}

/** Serves each text at /<index>.ics on 127.0.0.1; `close` stops it. */
export async function serveCalendars(texts: readonly string[]): Promise<{ urls: string[]; close(): Promise<void> }> {
  const server: Server = createServer((request, response) => {
    const index = Number(/^\/(\d+)\.ics$/.exec(request.url ?? '')?.[1]);
    const text = texts[index];
    if (text === undefined) return void response.writeHead(404).end();
    response.writeHead(200, { 'content-type': 'text/calendar; charset=utf-8' }).end(text);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    urls: texts.map((_, i) => `http://127.0.0.1:${port}/${i}.ics`),
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
