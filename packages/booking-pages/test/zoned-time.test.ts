import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import {
  addMonths,
  formatMeeting,
  isoInZone,
  minutesBetween,
  monthRange,
  offsetMinutes,
  zonedMidnight,
} from '../src/app/zoned-time.js';

const ZONES = [
  'Europe/Berlin',
  'Australia/Lord_Howe',
  'Asia/Kathmandu',
  'Pacific/Chatham',
  'America/Santiago',
  'America/Sao_Paulo',
];
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** The first instant of a day in a zone, by luxon (a skipped midnight moves on to the first valid time). */
const luxonMidnight = (dateKey: string, zone: string) => DateTime.fromISO(dateKey, { zone }).startOf('day');
const luxonIso = (instant: number, zone: string) =>
  DateTime.fromMillis(instant, { zone }).toFormat("yyyy-MM-dd'T'HH:mm:ssZZ");
const monthsOf = (year: number) => Array.from({ length: 12 }, (_, index) => addMonths(`${year}-01`, index));

describe('monthRange', () => {
  it('spans Berlin’s March and October 2030 across their clock changes', () => {
    expect(monthRange('2030-03', 'Europe/Berlin')).toEqual({
      from: '2030-03-01T00:00:00+01:00',
      to: '2030-04-01T00:00:00+02:00',
    });
    expect(monthRange('2030-10', 'Europe/Berlin')).toEqual({
      from: '2030-10-01T00:00:00+02:00',
      to: '2030-11-01T00:00:00+01:00',
    });
  });

  it('starts at the same instants as luxon does, every month of 2030 and 2031 in every zone', () => {
    for (const zone of ZONES) {
      for (const month of [...monthsOf(2030), ...monthsOf(2031)]) {
        const { from, to } = monthRange(month, zone);
        expect(from, `${zone} ${month}`).toBe(luxonMidnight(`${month}-01`, zone).toFormat("yyyy-MM-dd'T'HH:mm:ssZZ"));
        expect(Date.parse(to), `${zone} ${month}`).toBe(luxonMidnight(`${addMonths(month, 1)}-01`, zone).toMillis());
        const length = Date.parse(to) - Date.parse(from);
        expect(length).toBeGreaterThanOrEqual(28 * DAY - HOUR);
        expect(length).toBeLessThanOrEqual(31 * DAY + HOUR);
      }
    }
  });
});

describe('zonedMidnight', () => {
  it('is the first instant after a midnight the clock skips (America/Santiago, 8 September 2030)', () => {
    expect(isoInZone(zonedMidnight('2030-09-08', 'America/Santiago'), 'America/Santiago')).toBe(
      '2030-09-08T01:00:00-03:00',
    );
    expect(zonedMidnight('2030-09-08', 'America/Santiago')).toBe(Date.parse('2030-09-08T04:00:00Z'));
  });

  it('is the first instant after a skipped midnight in São Paulo’s 2018 change too', () => {
    expect(zonedMidnight('2018-11-04', 'America/Sao_Paulo')).toBe(Date.parse('2018-11-04T03:00:00Z'));
  });

  it('agrees with luxon on every day of 2030 in every zone', () => {
    for (const zone of ZONES) {
      for (let day = Date.UTC(2030, 0, 1); day < Date.UTC(2031, 0, 1); day += DAY) {
        const dateKey = new Date(day).toISOString().slice(0, 10);
        expect(zonedMidnight(dateKey, zone), `${zone} ${dateKey}`).toBe(luxonMidnight(dateKey, zone).toMillis());
      }
    }
  });
});

describe('offsetMinutes and isoInZone', () => {
  it('match luxon every 15 minutes of the days around each zone’s clock changes of 2030', () => {
    let checked = 0;
    for (const zone of ZONES) {
      for (let day = Date.UTC(2030, 0, 1); day < Date.UTC(2031, 0, 1); day += DAY) {
        const offsetAt = (instant: number) => DateTime.fromMillis(instant, { zone }).offset;
        if (offsetAt(day) === offsetAt(day + DAY)) continue;
        for (let instant = day - DAY; instant < day + 2 * DAY; instant += 15 * 60_000) {
          expect(offsetMinutes(instant, zone), `${zone} ${new Date(instant).toISOString()}`).toBe(offsetAt(instant));
          expect(isoInZone(instant, zone)).toBe(luxonIso(instant, zone));
          checked += 1;
        }
      }
    }
    // Two changes a year in Berlin, Lord Howe, Chatham and Santiago; none in Kathmandu or São Paulo.
    expect(checked).toBe(8 * 3 * 96);
  });

  it('writes fractional and negative offsets', () => {
    const instant = Date.parse('2030-06-01T00:00:00Z');
    expect(isoInZone(instant, 'Asia/Kathmandu')).toBe('2030-06-01T05:45:00+05:45');
    expect(isoInZone(instant, 'Pacific/Chatham')).toBe('2030-06-01T12:45:00+12:45');
    expect(isoInZone(instant, 'America/Santiago')).toBe('2030-05-31T20:00:00-04:00');
    expect(offsetMinutes(instant, 'Australia/Lord_Howe')).toBe(630);
    expect(offsetMinutes(Date.parse('2030-12-01T00:00:00Z'), 'Australia/Lord_Howe')).toBe(660);
  });
});

describe('formatMeeting', () => {
  it('writes a meeting in the chosen zone with the zone’s name', () => {
    expect(formatMeeting('2030-06-24T09:00:00+02:00', '2030-06-24T09:30:00+02:00', 'Asia/Kolkata')).toBe(
      'Monday 24 June 2030, 12:30–13:00, Asia/Kolkata',
    );
  });

  it('names the end’s day when the meeting crosses midnight in that zone', () => {
    expect(formatMeeting('2030-06-24T18:00:00Z', '2030-06-24T19:00:00Z', 'Asia/Kolkata')).toBe(
      'Monday 24 June 2030, 23:30–Tuesday 25 June 00:30, Asia/Kolkata',
    );
  });

  it('counts a meeting’s minutes from its instants', () => {
    expect(minutesBetween('2030-10-27T02:30:00+02:00', '2030-10-27T02:00:00+01:00')).toBe(30);
  });
});
