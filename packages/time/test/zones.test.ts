import { describe, expect, it } from 'vitest';
import { dayRange, formatInstant, localTimeToInstant } from '../src/index.js';

const at = (iso: string) => Date.parse(iso);
const hm = (h: number, m = 0) => h * 60 + m;

describe('wall-clock times to instants, with the DST policy', () => {
  it('reads an ordinary time with the offset in force that day', () => {
    expect(localTimeToInstant({ year: 2030, month: 6, day: 24 }, hm(9), 'Europe/Berlin')).toBe(
      at('2030-06-24T07:00:00Z'),
    );
    expect(localTimeToInstant({ year: 2030, month: 1, day: 7 }, hm(9), 'America/New_York')).toBe(
      at('2030-01-07T14:00:00Z'),
    );
  });

  it('moves a time inside a spring-forward gap to the first instant after the gap', () => {
    // New York, 2030-03-10: 02:00 EST jumps to 03:00 EDT (07:00Z).
    expect(localTimeToInstant({ year: 2030, month: 3, day: 10 }, hm(2, 30), 'America/New_York')).toBe(
      at('2030-03-10T07:00:00Z'),
    );
    // Berlin, 2030-03-31: 02:00 CET jumps to 03:00 CEST (01:00Z).
    expect(localTimeToInstant({ year: 2030, month: 3, day: 31 }, hm(2, 15), 'Europe/Berlin')).toBe(
      at('2030-03-31T01:00:00Z'),
    );
  });

  it('resolves a time repeated by a fall-back change to its earlier occurrence', () => {
    // New York, 2030-11-03: 01:30 happens at 05:30Z (EDT) and again at 06:30Z (EST).
    expect(localTimeToInstant({ year: 2030, month: 11, day: 3 }, hm(1, 30), 'America/New_York')).toBe(
      at('2030-11-03T05:30:00Z'),
    );
    // Berlin, 2030-10-27: 02:30 happens at 00:30Z (CEST) and again at 01:30Z (CET).
    expect(localTimeToInstant({ year: 2030, month: 10, day: 27 }, hm(2, 30), 'Europe/Berlin')).toBe(
      at('2030-10-27T00:30:00Z'),
    );
  });

  it('reads 24:00 as midnight at the start of the next day', () => {
    expect(localTimeToInstant({ year: 2030, month: 6, day: 30 }, hm(24), 'Europe/Berlin')).toBe(
      at('2030-06-30T22:00:00Z'),
    );
  });

  it('gives DST days their real length', () => {
    const spring = dayRange('2030-03-10', 'America/New_York');
    const fall = dayRange('2030-11-03', 'America/New_York');
    expect((spring.end - spring.start) / 3_600_000).toBe(23);
    expect((fall.end - fall.start) / 3_600_000).toBe(25);
  });

  it('renders UTC with Z, or a zone with its offset', () => {
    expect(formatInstant(at('2030-06-24T13:00:00Z'))).toBe('2030-06-24T13:00:00.000Z');
    expect(formatInstant(at('2030-06-24T13:00:00Z'), 'Europe/Berlin')).toBe('2030-06-24T15:00:00.000+02:00');
  });

  it('runs under the zone its project sets (the suite is not accidentally UTC-only)', () => {
    const expected = process.env.TZ === 'Asia/Kolkata' ? -330 : 0;
    expect(new Date(2030, 0, 1).getTimezoneOffset()).toBe(expected);
  });
});

describe('zones by the names the API stores (canonical spelling, links kept as links)', () => {
  it('renders links and Etc zones with their own offsets', () => {
    const instant = at('2030-06-24T13:00:00Z');
    expect(formatInstant(instant, 'UTC')).toBe('2030-06-24T13:00:00.000Z');
    expect(formatInstant(instant, 'Etc/UTC')).toBe('2030-06-24T13:00:00.000+00:00');
    // POSIX signs: Etc/GMT+1 is one hour behind UTC.
    expect(formatInstant(instant, 'Etc/GMT+1')).toBe('2030-06-24T12:00:00.000-01:00');
    expect(formatInstant(instant, 'Asia/Calcutta')).toBe('2030-06-24T18:30:00.000+05:30');
    expect(formatInstant(instant, 'Asia/Kolkata')).toBe('2030-06-24T18:30:00.000+05:30');
    expect(formatInstant(instant, 'US/Eastern')).toBe('2030-06-24T09:00:00.000-04:00');
  });

  it('reads wall-clock times in a link exactly as in the zone it links to, DST days included', () => {
    const links = [
      ['US/Eastern', 'America/New_York'],
      ['Asia/Calcutta', 'Asia/Kolkata'],
      ['Europe/Kiev', 'Europe/Kyiv'],
    ] as const;
    for (const [link, zone] of links) {
      for (const iso of ['2030-03-10', '2030-03-31', '2030-11-03']) {
        const [year, month, day] = iso.split('-').map(Number) as [number, number, number];
        expect(localTimeToInstant({ year, month, day }, hm(2, 30), link)).toBe(
          localTimeToInstant({ year, month, day }, hm(2, 30), zone),
        );
        expect(dayRange(iso, link)).toEqual(dayRange(iso, zone));
      }
    }
  });
});
