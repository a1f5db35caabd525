import { describe, expect, it } from 'vitest';
import { explainUnavailable, quorumFreeTime } from '../src/index.js';
import { at, hhmm, monday, schedule, state } from './helpers.js';

const t = (hm: string, day = '24') => at(`2030-06-${day}T${hm}:00Z`);
const iv = (from: string, to: string) => ({ start: t(from), end: t(to) });

describe('explaining unavailability', () => {
  const calendar = state(
    [
      // Monday 2030-06-24: 09–17 weekly, but an override keeps only 09–13.
      {
        schedule: schedule(
          'UTC',
          [monday('09:00', '17:00')],
          [{ date: '2030-06-24', timeSlots: [{ startTime: '09:00', endTime: '13:00' }] }],
        ),
        expiresOn: null,
      },
      // A second schedule 14–16, linked until 15:00: 14–15 stays free.
      { schedule: schedule('UTC', [monday('14:00', '16:00')]), expiresOn: t('15:00') },
    ],
    { rules: { bufferBeforeMinutes: 5, bufferAfterMinutes: 10, minNoticeMinutes: 60 }, events: [iv('11:00', '12:00')] },
  );

  it('gives every unavailable range of the period one reason, in precedence order', () => {
    const explained = explainUnavailable(calendar, iv('08:00', '18:00'), t('09:00'));
    expect(explained.map((u) => [hhmm(u.start), hhmm(u.end), u.reason])).toEqual([
      ['08:00', '10:00', 'min_notice'],
      ['10:45', '11:00', 'buffer'],
      ['11:00', '12:00', 'event'],
      ['12:00', '12:15', 'buffer'],
      ['13:00', '14:00', 'date_override'],
      ['15:00', '16:00', 'link_expired'],
      ['16:00', '17:00', 'date_override'],
      ['17:00', '18:00', 'outside_hours'],
    ]);
  });

  it('names busy times of outside calendars and the time they keep clear `busy_source`, after events and their buffers', () => {
    // Busy 12:30–13:30 blocks 12:15–13:45 (the buffers, 5 + 10 minutes, on both sides): the
    // event's buffer comes before it in the order, the override's closing after it.
    const busy = { ...calendar, busy: [iv('12:30', '13:30'), iv('15:30', '15:45')] };
    const explained = explainUnavailable(busy, iv('08:00', '18:00'), t('09:00'));
    expect(explained.map((u) => [hhmm(u.start), hhmm(u.end), u.reason])).toEqual([
      ['08:00', '10:00', 'min_notice'],
      ['10:45', '11:00', 'buffer'],
      ['11:00', '12:00', 'event'],
      ['12:00', '12:15', 'buffer'],
      ['12:15', '13:45', 'busy_source'],
      ['13:45', '14:00', 'date_override'],
      ['15:00', '15:15', 'link_expired'],
      ['15:15', '16:00', 'busy_source'],
      ['16:00', '17:00', 'date_override'],
      ['17:00', '18:00', 'outside_hours'],
    ]);
  });

  it('names what lies after now + the horizon `horizon`', () => {
    const near = { ...calendar, rules: { ...calendar.rules, bookingHorizonDays: 1 } };
    const explained = explainUnavailable(near, iv('08:00', '18:00'), t('10:30', '23'));
    expect(explained.map((u) => [hhmm(u.start), hhmm(u.end), u.reason])).toEqual([
      ['08:00', '09:00', 'outside_hours'],
      ['10:30', '18:00', 'horizon'],
    ]);
  });
});

describe('quorum comparison: the longest intervals in which at least k calendars are free', () => {
  const show = (result: ReturnType<typeof quorumFreeTime>) =>
    result.intervals.map((s) => [hhmm(s.start), hhmm(s.end), s.free]);

  it('when A and B are free 09–11 and C 09–10, a quorum of two keeps the two-hour window', () => {
    const frees = [[iv('09:00', '11:00')], [iv('09:00', '11:00')], [iv('09:00', '10:00')]];
    expect(show(quorumFreeTime(frees, 2))).toEqual([
      ['09:00', '10:00', [0, 1, 2]],
      ['09:00', '11:00', [0, 1]],
    ]);
    expect(show(quorumFreeTime(frees, 2, { minimum: 120 * 60_000 }))).toEqual([['09:00', '11:00', [0, 1]]]);
  });

  it('lists overlapping intervals, each with every calendar free throughout it', () => {
    const a = [iv('09:00', '12:00')];
    const b = [iv('10:00', '13:00')];
    const c = [iv('11:00', '11:30'), iv('12:00', '14:00')];
    expect(show(quorumFreeTime([a, b, c], 2))).toEqual([
      ['10:00', '12:00', [0, 1]],
      ['11:00', '11:30', [0, 1, 2]],
      ['12:00', '13:00', [1, 2]],
    ]);
    expect(show(quorumFreeTime([a, b, c], 3))).toEqual([['11:00', '11:30', [0, 1, 2]]]);
    // With a quorum of one, the sets of two and three count too: [10:00, 12:00) cannot grow
    // without losing A or B.
    expect(show(quorumFreeTime([a, b, c], 1))).toEqual([
      ['09:00', '12:00', [0]],
      ['10:00', '12:00', [0, 1]],
      ['10:00', '13:00', [1]],
      ['11:00', '11:30', [0, 1, 2]],
      ['12:00', '13:00', [1, 2]],
      ['12:00', '14:00', [2]],
    ]);
  });

  it('stops at the limit and says so', () => {
    const frees = [[iv('09:00', '11:00')], [iv('09:00', '11:00')], [iv('09:00', '10:00')]];
    expect(quorumFreeTime(frees, 1, { limit: 1 })).toMatchObject({ complete: false, intervals: [{}] });
    expect(quorumFreeTime(frees, 1, { limit: 2 }).complete).toBe(true);
  });
});
