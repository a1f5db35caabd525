import { describe, expect, it } from 'vitest';
import { busyTimesOf } from '../src/index.js';
import { iso, utc, YEAR_2026 } from './support.js';

// Texts are read in pieces (each VEVENT alone); these check that every VEVENT still finds the
// VTIMEZONEs of its own VCALENDAR. "Custom" is no IANA name: only the VTIMEZONE can place it.

/** A VTIMEZONE "Custom" at a fixed UTC offset ("+0500"). */
function custom(offset: string): string[] {
  return [
    'BEGIN:VTIMEZONE',
    'TZID:Custom',
    'BEGIN:STANDARD',
    'DTSTART:19700101T000000',
    `TZOFFSETFROM:${offset}`,
    `TZOFFSETTO:${offset}`,
    'END:STANDARD',
    'END:VTIMEZONE',
  ];
}

/** An hour from 10:00 "Custom" on a day of March 2026, with more lines if given. */
function meeting(uid: string, day: number, ...more: string[]): string[] {
  const date = `202603${String(day).padStart(2, '0')}`;
  return [
    'BEGIN:VEVENT',
    `UID:${uid}`,
    `DTSTART;TZID=Custom:${date}T100000`,
    `DTEND;TZID=Custom:${date}T110000`,
    ...more,
    'END:VEVENT',
  ];
}

function vcalendar(...lines: string[][]): string[] {
  return ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//test//EN', ...lines.flat(), 'END:VCALENDAR'];
}

const text = (...lines: string[][]): string => `${lines.flat().join('\r\n')}\r\n`;

describe('VTIMEZONEs of a text read in pieces', () => {
  it('when one text holds two VCALENDARs defining the same TZID differently, then each event is read in its own', async () => {
    const source = text(
      vcalendar(custom('+0500'), meeting('east', 10)),
      vcalendar(custom('-0300'), meeting('west', 11)),
    );

    const result = await busyTimesOf([source], { ownerZone: 'Europe/Berlin', window: YEAR_2026 });

    expect(iso(result.busy)).toEqual(
      iso([
        utc('2026-03-10T05:00', '2026-03-10T06:00'), // 10:00 at +05:00
        utc('2026-03-11T13:00', '2026-03-11T14:00'), // 10:00 at -03:00
      ]),
    );
  });

  it('when objects of a collection share one VTIMEZONE and another defines the TZID differently, then each event is read in its own object’s', async () => {
    const objects = [
      text(vcalendar(custom('+0500'), meeting('a', 10))),
      text(vcalendar(custom('-0300'), meeting('b', 11))),
      text(vcalendar(custom('+0500'), meeting('c', 12))),
    ];

    const result = await busyTimesOf(objects, { ownerZone: 'Europe/Berlin', window: YEAR_2026 });

    expect(iso(result.busy)).toEqual(
      iso([
        utc('2026-03-10T05:00', '2026-03-10T06:00'),
        utc('2026-03-11T13:00', '2026-03-11T14:00'),
        utc('2026-03-12T05:00', '2026-03-12T06:00'),
      ]),
    );
  });

  it('when an event has a VALARM and a folded DESCRIPTION reading like BEGIN:VEVENT, then it is read whole; a broken neighbour is skipped alone', async () => {
    const source = text(
      vcalendar(
        custom('+0500'),
        meeting(
          'alarm',
          10,
          'DESCRIPTION:agenda',
          ' BEGIN:VEVENT',
          ' END:VEVENT',
          'BEGIN:VALARM',
          'ACTION:DISPLAY',
          'TRIGGER:-PT15M',
          'END:VALARM',
        ),
        meeting('broken', 11, 'RRULE:FREQ=BOGUS'),
        meeting('after', 12),
      ),
    );

    const result = await busyTimesOf([source], { ownerZone: 'Europe/Berlin', window: YEAR_2026 });

    expect(iso(result.busy)).toEqual(
      iso([utc('2026-03-10T05:00', '2026-03-10T06:00'), utc('2026-03-12T05:00', '2026-03-12T06:00')]),
    );
    expect(result).toMatchObject({ events: 3, skipped: 1 });
  });
});
