import { describe, expect, it } from 'vitest';
import { compileSchedule, explainUnavailable, quorumFreeTime, type CalendarState } from '../src/index.js';

const at = (hhmm: string, day = '24') => Date.parse(`2030-06-${day}T${hhmm}:00Z`);
const iv = (from: string, to: string) => ({ start: at(from), end: at(to) });
const hhmm = (ms: number) => new Date(ms).toISOString().slice(11, 16);

describe('explaining unavailability', () => {
  const state: CalendarState = {
    links: [
      {
        // Monday 2030-06-24: 09–17 weekly, but an override keeps only 09–13.
        schedule: compileSchedule({
          timezone: 'UTC',
          time_slots: [{ day_of_week: 'monday', start_time: '09:00', end_time: '17:00' }],
          date_overrides: [{ date: '2030-06-24', time_slots: [{ start_time: '09:00', end_time: '13:00' }] }],
        }),
        expiresOn: null,
      },
      {
        // A second schedule 14–16, linked until 15:00: 14–15 stays free.
        schedule: compileSchedule({
          timezone: 'UTC',
          time_slots: [{ day_of_week: 'monday', start_time: '14:00', end_time: '16:00' }],
          date_overrides: [],
        }),
        expiresOn: at('15:00'),
      },
    ],
    rules: { meetingDurationMinutes: null, bufferBeforeMinutes: 0, bufferAfterMinutes: 15, minNoticeMinutes: 60 },
    events: [iv('11:00', '12:00')],
  };

  it('gives every unavailable range of the period one reason, in precedence order', () => {
    const explained = explainUnavailable(state, iv('08:00', '18:00'), at('09:00'));
    expect(explained.map((u) => [hhmm(u.start), hhmm(u.end), u.reason])).toEqual([
      ['08:00', '10:00', 'min_notice'],
      ['11:00', '12:00', 'event'],
      ['12:00', '12:15', 'buffer'],
      ['13:00', '14:00', 'date_override'],
      ['15:00', '16:00', 'link_expired'],
      ['16:00', '17:00', 'date_override'],
      ['17:00', '18:00', 'outside_hours'],
    ]);
  });
});

describe('quorum comparison', () => {
  const a = [iv('09:00', '12:00')];
  const b = [iv('10:00', '13:00')];
  const c = [iv('11:00', '11:30'), iv('12:00', '14:00')];

  it('cuts wherever the set of free calendars changes and names who is free', () => {
    const two = quorumFreeTime([a, b, c], 2);
    expect(two.map((s) => [hhmm(s.start), hhmm(s.end), s.free])).toEqual([
      ['10:00', '11:00', [0, 1]],
      ['11:00', '11:30', [0, 1, 2]],
      ['11:30', '12:00', [0, 1]],
      ['12:00', '13:00', [1, 2]],
    ]);
  });

  it('with a quorum of all, equals the plain intersection; a duration drops short intervals', () => {
    expect(quorumFreeTime([a, b, c], 3).map((s) => [hhmm(s.start), hhmm(s.end)])).toEqual([['11:00', '11:30']]);
    expect(quorumFreeTime([a, b, c], 2, 60 * 60_000).map((s) => [hhmm(s.start), hhmm(s.end)])).toEqual([
      ['10:00', '11:00'],
      ['12:00', '13:00'],
    ]);
  });

  it('with a quorum of one, covers the union', () => {
    const one = quorumFreeTime([a, b, c], 1);
    expect(hhmm(one[0]!.start)).toBe('09:00');
    expect(hhmm(one[one.length - 1]!.end)).toBe('14:00');
  });
});
