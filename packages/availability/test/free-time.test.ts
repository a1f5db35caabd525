import { describe, expect, it } from 'vitest';
import type { ScheduleSnapshot } from '@slotkeeper/contracts';
import { checkBookable, compileSchedule, freeTime, slots, type CalendarState, type Rules } from '../src/index.js';

const at = (iso: string) => Date.parse(iso);
const range = (from: string, to: string) => ({ start: at(from), end: at(to) });
const iso = (intervals: Array<{ start: number; end: number }>) =>
  intervals.map((i) => [new Date(i.start).toISOString(), new Date(i.end).toISOString()]);

const noRules: Rules = {
  meetingDurationMinutes: null,
  bufferBeforeMinutes: 0,
  bufferAfterMinutes: 0,
  minNoticeMinutes: 0,
};
const LONG_AGO = at('2000-01-01T00:00:00Z');

function schedule(
  timezone: string,
  slots: ScheduleSnapshot['time_slots'],
  overrides: ScheduleSnapshot['date_overrides'] = [],
) {
  return compileSchedule({ timezone, time_slots: slots, date_overrides: overrides });
}

function state(partial: Partial<CalendarState> & Pick<CalendarState, 'links'>): CalendarState {
  return { rules: noRules, events: [], ...partial };
}

const monday = (start_time: string, end_time: string) => ({ day_of_week: 'monday' as const, start_time, end_time });
const sunday = (start_time: string, end_time: string) => ({ day_of_week: 'sunday' as const, start_time, end_time });

describe('free time', () => {
  it('reads weekly slots on the wall clock of the schedule timezone', () => {
    const s = state({ links: [{ schedule: schedule('Europe/Berlin', [monday('09:00', '12:00')]), expiresOn: null }] });
    expect(iso(freeTime(s, range('2030-06-24T00:00:00Z', '2030-06-25T00:00:00Z'), LONG_AGO))).toEqual([
      ['2030-06-24T07:00:00.000Z', '2030-06-24T10:00:00.000Z'],
    ]);
  });

  it('merges touching and overlapping slots of one day and of several schedules', () => {
    const a = schedule('UTC', [monday('09:00', '10:00'), monday('10:00', '11:00'), monday('10:30', '12:00')]);
    const b = schedule('UTC', [monday('11:30', '13:00')]);
    const s = state({
      links: [
        { schedule: a, expiresOn: null },
        { schedule: b, expiresOn: null },
      ],
    });
    expect(iso(freeTime(s, range('2030-06-24T00:00:00Z', '2030-06-25T00:00:00Z'), LONG_AGO))).toEqual([
      ['2030-06-24T09:00:00.000Z', '2030-06-24T13:00:00.000Z'],
    ]);
  });

  it('lets a date override replace that date, an empty one closing the day', () => {
    const s = state({
      links: [
        {
          schedule: schedule(
            'UTC',
            [monday('09:00', '17:00')],
            [
              { date: '2030-06-24', time_slots: [{ start_time: '10:00', end_time: '11:00' }] },
              { date: '2030-07-01', time_slots: [] },
            ],
          ),
          expiresOn: null,
        },
      ],
    });
    const free = freeTime(s, range('2030-06-24T00:00:00Z', '2030-07-09T00:00:00Z'), LONG_AGO);
    expect(iso(free)).toEqual([
      ['2030-06-24T10:00:00.000Z', '2030-06-24T11:00:00.000Z'],
      ['2030-07-08T09:00:00.000Z', '2030-07-08T17:00:00.000Z'],
    ]);
  });

  it('gives a 09:00–17:00 slot on a DST day the length the wall clock says', () => {
    // 01:00–05:00 on the New York change days: 3 hours in spring, 5 in autumn.
    const ny = (start: string, end: string) =>
      state({ links: [{ schedule: schedule('America/New_York', [sunday(start, end)]), expiresOn: null }] });
    const [spring] = freeTime(ny('01:00', '05:00'), range('2030-03-10T00:00:00Z', '2030-03-11T12:00:00Z'), LONG_AGO);
    const [fall] = freeTime(ny('01:00', '05:00'), range('2030-11-03T00:00:00Z', '2030-11-04T12:00:00Z'), LONG_AGO);
    expect((spring!.end - spring!.start) / 3_600_000).toBe(3);
    expect((fall!.end - fall!.start) / 3_600_000).toBe(5);
    // Berlin's 09:00–17:00 on its change day keeps its local meaning: 07:00Z–15:00Z in summer time.
    const berlin = state({
      links: [{ schedule: schedule('Europe/Berlin', [sunday('09:00', '17:00')]), expiresOn: null }],
    });
    expect(iso(freeTime(berlin, range('2030-03-31T00:00:00Z', '2030-04-01T00:00:00Z'), LONG_AGO))).toEqual([
      ['2030-03-31T07:00:00.000Z', '2030-03-31T15:00:00.000Z'],
    ]);
  });

  it('stops a link at its expiry', () => {
    const s = state({
      links: [{ schedule: schedule('UTC', [monday('09:00', '17:00')]), expiresOn: at('2030-06-24T12:00:00Z') }],
    });
    expect(iso(freeTime(s, range('2030-06-24T00:00:00Z', '2030-07-02T00:00:00Z'), LONG_AGO))).toEqual([
      ['2030-06-24T09:00:00.000Z', '2030-06-24T12:00:00.000Z'],
    ]);
  });

  it('removes events widened by the buffers, and everything before now + notice', () => {
    const s = state({
      links: [{ schedule: schedule('UTC', [monday('09:00', '17:00')]), expiresOn: null }],
      rules: { ...noRules, bufferBeforeMinutes: 15, bufferAfterMinutes: 10, minNoticeMinutes: 60 },
      events: [range('2030-06-24T12:00:00Z', '2030-06-24T13:00:00Z')],
    });
    const now = at('2030-06-24T09:30:00Z');
    expect(iso(freeTime(s, range('2030-06-24T00:00:00Z', '2030-06-25T00:00:00Z'), now))).toEqual([
      ['2030-06-24T10:30:00.000Z', '2030-06-24T11:45:00.000Z'],
      ['2030-06-24T13:10:00.000Z', '2030-06-24T17:00:00.000Z'],
    ]);
  });
});

describe('slots and the booking check agree', () => {
  const calendar = state({
    links: [{ schedule: schedule('UTC', [monday('09:00', '12:00')]), expiresOn: at('2030-07-01T00:00:00Z') }],
    rules: { ...noRules, meetingDurationMinutes: 30, bufferBeforeMinutes: 0, bufferAfterMinutes: 30 },
    events: [range('2030-06-24T10:00:00Z', '2030-06-24T10:30:00Z')],
  });
  const now = at('2030-06-01T00:00:00Z');
  const day = range('2030-06-24T00:00:00Z', '2030-06-25T00:00:00Z');

  it('lists slots whose own buffers stay clear of events', () => {
    const listed = slots(calendar, freeTime(calendar, day, now), 30);
    // 09:30 would put its after-buffer on the 10:00 event; 10:30–11:00 is the event's buffer.
    expect(iso(listed).map(([start]) => start!.slice(11, 16))).toEqual(['09:00', '11:00', '11:30']);
    for (const slot of listed) expect(checkBookable(calendar, slot, now)).toBeNull();
  });

  it('refuses, with a reason, each kind of unbookable request', () => {
    const check = (from: string, to: string, at_ = now) => checkBookable(calendar, range(from, to), at_)?.kind;
    expect(check('2030-06-24T09:00:00Z', '2030-06-24T10:00:00Z')).toBe('wrong_duration');
    expect(check('2030-06-24T09:00:00Z', '2030-06-24T09:30:00Z', at('2030-06-24T09:10:00Z'))).toBe('in_past');
    expect(check('2030-06-24T09:30:00Z', '2030-06-24T10:00:00Z')).toBe('conflict');
    expect(check('2030-06-24T10:30:00Z', '2030-06-24T11:00:00Z')).toBe('conflict');
    expect(check('2030-06-24T12:00:00Z', '2030-06-24T12:30:00Z')).toBe('outside_availability');
    expect(check('2030-07-01T09:00:00Z', '2030-07-01T09:30:00Z')).toBe('link_expired');
    const notice = { ...calendar, rules: { ...calendar.rules, minNoticeMinutes: 120 } };
    expect(
      checkBookable(notice, range('2030-06-24T09:00:00Z', '2030-06-24T09:30:00Z'), at('2030-06-24T08:00:00Z'))?.kind,
    ).toBe('min_notice');
  });

  it('treats intervals as half-open: an event may start when another ends', () => {
    const tight = { ...calendar, rules: { ...calendar.rules, bufferAfterMinutes: 0 } };
    expect(checkBookable(tight, range('2030-06-24T10:30:00Z', '2030-06-24T11:00:00Z'), now)).toBeNull();
    expect(checkBookable(tight, range('2030-06-24T09:30:00Z', '2030-06-24T10:00:00Z'), now)).toBeNull();
  });
});
