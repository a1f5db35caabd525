import { describe, expect, it } from 'vitest';
import { checkBookable, freeTime, slots } from '../src/index.js';
import { at, iso, LONG_AGO, monday, range, schedule, state, sunday } from './helpers.js';

const MONDAY = range('2030-06-24T00:00:00Z', '2030-06-25T00:00:00Z');

describe('free time', () => {
  it('reads weekly slots on the wall clock of the schedule timezone', () => {
    const s = state([{ schedule: schedule('Europe/Berlin', [monday('09:00', '12:00')]), expiresOn: null }]);
    expect(iso(freeTime(s, MONDAY, LONG_AGO))).toEqual([['2030-06-24T07:00:00.000Z', '2030-06-24T10:00:00.000Z']]);
  });

  it('merges touching and overlapping slots of one day and of several schedules', () => {
    const a = schedule('UTC', [monday('09:00', '10:00'), monday('10:00', '11:00'), monday('10:30', '12:00')]);
    const b = schedule('UTC', [monday('11:30', '13:00')]);
    const s = state([
      { schedule: a, expiresOn: null },
      { schedule: b, expiresOn: null },
    ]);
    expect(iso(freeTime(s, MONDAY, LONG_AGO))).toEqual([['2030-06-24T09:00:00.000Z', '2030-06-24T13:00:00.000Z']]);
  });

  it('joins hours that run across midnight UTC into one interval', () => {
    // New York (UTC−4 in June): 18:00–24:00 Monday and 00:00–01:00 Tuesday are 22:00–05:00 UTC.
    const ny = schedule('America/New_York', [
      monday('18:00', '24:00'),
      { dayOfWeek: 'tuesday', startTime: '00:00', endTime: '01:00' },
    ]);
    const s = state([{ schedule: ny, expiresOn: null }]);
    expect(iso(freeTime(s, range('2030-06-24T12:00:00Z', '2030-06-26T00:00:00Z'), LONG_AGO))).toEqual([
      ['2030-06-24T22:00:00.000Z', '2030-06-25T05:00:00.000Z'],
    ]);
  });

  it('lets a date override replace that date, an empty one closing the day', () => {
    const s = state([
      {
        schedule: schedule(
          'UTC',
          [monday('09:00', '17:00')],
          [
            { date: '2030-06-24', timeSlots: [{ startTime: '10:00', endTime: '11:00' }] },
            { date: '2030-07-01', timeSlots: [] },
          ],
        ),
        expiresOn: null,
      },
    ]);
    expect(iso(freeTime(s, range('2030-06-24T00:00:00Z', '2030-07-09T00:00:00Z'), LONG_AGO))).toEqual([
      ['2030-06-24T10:00:00.000Z', '2030-06-24T11:00:00.000Z'],
      ['2030-07-08T09:00:00.000Z', '2030-07-08T17:00:00.000Z'],
    ]);
  });

  it('gives a slot on a DST day the length the wall clock says', () => {
    // 01:00–05:00 on the New York change days: 3 hours in spring, 5 in autumn.
    const ny = (start: string, end: string) =>
      state([{ schedule: schedule('America/New_York', [sunday(start, end)]), expiresOn: null }]);
    const [spring] = freeTime(ny('01:00', '05:00'), range('2030-03-10T00:00:00Z', '2030-03-11T12:00:00Z'), LONG_AGO);
    const [fall] = freeTime(ny('01:00', '05:00'), range('2030-11-03T00:00:00Z', '2030-11-04T12:00:00Z'), LONG_AGO);
    expect((spring!.end - spring!.start) / 3_600_000).toBe(3);
    expect((fall!.end - fall!.start) / 3_600_000).toBe(5);
    const berlin = state([{ schedule: schedule('Europe/Berlin', [sunday('09:00', '17:00')]), expiresOn: null }]);
    expect(iso(freeTime(berlin, range('2030-03-31T00:00:00Z', '2030-04-01T00:00:00Z'), LONG_AGO))).toEqual([
      ['2030-03-31T07:00:00.000Z', '2030-03-31T15:00:00.000Z'],
    ]);
  });

  it('stops a link at its expiry', () => {
    const s = state([{ schedule: schedule('UTC', [monday('09:00', '17:00')]), expiresOn: at('2030-06-24T12:00:00Z') }]);
    expect(iso(freeTime(s, range('2030-06-24T00:00:00Z', '2030-07-02T00:00:00Z'), LONG_AGO))).toEqual([
      ['2030-06-24T09:00:00.000Z', '2030-06-24T12:00:00.000Z'],
    ]);
  });

  it('keeps meetings away from an event by its buffer plus their own, and starts at now + notice exactly', () => {
    const s = state([{ schedule: schedule('UTC', [monday('09:00', '17:00')]), expiresOn: null }], {
      rules: { bufferBeforeMinutes: 15, bufferAfterMinutes: 10, minNoticeMinutes: 60 },
      events: [range('2030-06-24T12:00:00Z', '2030-06-24T13:00:00Z')],
    });
    const now = at('2030-06-24T09:28:07.211Z');
    // The event blocks [12:00 − 25 min, 13:00 + 25 min).
    expect(iso(freeTime(s, MONDAY, now))).toEqual([
      ['2030-06-24T10:28:07.211Z', '2030-06-24T11:35:00.000Z'],
      ['2030-06-24T13:25:00.000Z', '2030-06-24T17:00:00.000Z'],
    ]);
  });

  it('ends free time at now + the booking horizon', () => {
    const s = state([{ schedule: schedule('UTC', [monday('09:00', '17:00')]), expiresOn: null }], {
      rules: { bookingHorizonDays: 7 },
    });
    const now = at('2030-06-17T12:30:00Z');
    expect(iso(freeTime(s, range('2030-06-17T00:00:00Z', '2030-07-02T00:00:00Z'), now))).toEqual([
      ['2030-06-17T12:30:00.000Z', '2030-06-17T17:00:00.000Z'],
      ['2030-06-24T09:00:00.000Z', '2030-06-24T12:30:00.000Z'],
    ]);
  });
});

describe('slots', () => {
  const open = state(
    [{ schedule: schedule('UTC', [monday('09:00', '12:00'), monday('13:10', '15:00')]), expiresOn: null }],
    {
      rules: { meetingDurationMinutes: 30, minNoticeMinutes: 0 },
    },
  );
  const starts = (listed: Array<{ start: number }>) => listed.map((s) => new Date(s.start).toISOString().slice(11, 23));

  it('in the interval cut by now + notice, start at the next whole quarter hour, elsewhere at the beginning', () => {
    const now = at('2030-06-24T09:28:07.211Z');
    const free = freeTime(open, MONDAY, now);
    expect(new Date(free[0]!.start).toISOString()).toBe('2030-06-24T09:28:07.211Z');
    expect(starts(slots(open, free, 30, now))).toEqual([
      '09:30:00.000',
      '10:00:00.000',
      '10:30:00.000',
      '11:00:00.000',
      '11:30:00.000',
      '13:10:00.000',
      '13:40:00.000',
      '14:10:00.000',
    ]);
  });

  it('start exactly at now + notice when that is a quarter hour', () => {
    const now = at('2030-06-24T09:45:00Z');
    expect(starts(slots(open, freeTime(open, MONDAY, now), 30, now)).slice(0, 2)).toEqual([
      '09:45:00.000',
      '10:15:00.000',
    ]);
  });

  it('step by slot_interval_minutes when the calendar has one', () => {
    const every20 = { ...open, rules: { ...open.rules, slotIntervalMinutes: 20 } };
    const now = at('2030-06-24T10:50:00Z');
    expect(starts(slots(every20, freeTime(every20, MONDAY, now), 30, now))).toEqual([
      '11:00:00.000',
      '11:20:00.000',
      '13:10:00.000',
      '13:30:00.000',
      '13:50:00.000',
      '14:10:00.000',
      '14:30:00.000',
    ]);
  });

  it('never step by less than five minutes, whatever the meeting length', () => {
    const now = at('2030-06-01T00:00:00Z');
    const listed = slots(open, freeTime(open, MONDAY, now), 1, now);
    expect(listed[1]!.start - listed[0]!.start).toBe(5 * 60_000);
  });
});

describe('the booking check agrees with free time', () => {
  const calendar = state(
    [{ schedule: schedule('UTC', [monday('09:00', '12:00')]), expiresOn: at('2030-07-01T00:00:00Z') }],
    {
      rules: { meetingDurationMinutes: 30, bufferBeforeMinutes: 10 },
      events: [range('2030-06-24T10:00:00Z', '2030-06-24T10:30:00Z')],
    },
  );
  const now = at('2030-06-01T00:00:00Z');
  const check = (from: string, to: string, when = now, s = calendar) => checkBookable(s, range(from, to), when)?.kind;

  it('after a 10:00–10:30 event with a 10-minute before-buffer, free time and bookings start at 10:40', () => {
    const free = freeTime(calendar, MONDAY, now);
    expect(iso(free)).toEqual([
      ['2030-06-24T09:00:00.000Z', '2030-06-24T09:50:00.000Z'],
      ['2030-06-24T10:40:00.000Z', '2030-06-24T12:00:00.000Z'],
    ]);
    expect(check('2030-06-24T10:30:00Z', '2030-06-24T11:00:00Z')).toBe('conflict');
    expect(check('2030-06-24T10:39:00Z', '2030-06-24T11:09:00Z')).toBe('conflict');
    expect(check('2030-06-24T10:40:00Z', '2030-06-24T11:10:00Z')).toBeUndefined();
    // Before it: the meeting must end by 09:50, so that the event's buffer starts after it.
    expect(check('2030-06-24T09:20:00Z', '2030-06-24T09:50:00Z')).toBeUndefined();
    expect(check('2030-06-24T09:21:00Z', '2030-06-24T09:51:00Z')).toBe('conflict');
    const listed = slots(calendar, free, 30, now);
    expect(listed.map((s) => new Date(s.start).toISOString().slice(11, 16))).toEqual(['09:00', '10:40', '11:10']);
    for (const slot of listed) expect(checkBookable(calendar, slot, now)).toBeNull();
  });

  it('refuses, with a reason, each kind of unbookable request', () => {
    expect(check('2030-06-24T09:00:00Z', '2030-06-24T10:00:00Z')).toBe('wrong_duration');
    expect(check('2030-06-24T09:00:00Z', '2030-06-24T09:30:00Z', at('2030-06-24T09:10:00Z'))).toBe('in_past');
    expect(check('2030-06-24T11:30:00Z', '2030-06-24T12:00:00Z', now)).toBeUndefined();
    expect(check('2030-06-24T11:45:00Z', '2030-06-24T12:15:00Z')).toBe('outside_availability');
    expect(check('2030-07-01T09:00:00Z', '2030-07-01T09:30:00Z')).toBe('link_expired');
    const notice = state([{ schedule: schedule('UTC', [monday('09:00', '12:00')]), expiresOn: null }], {
      rules: { meetingDurationMinutes: 30, minNoticeMinutes: 120 },
    });
    expect(check('2030-06-24T09:00:00Z', '2030-06-24T09:30:00Z', at('2030-06-24T08:00:00Z'), notice)).toBe(
      'min_notice',
    );
  });

  it('refuses what ends after now + the horizon, with a message that says so', () => {
    const horizon = state([{ schedule: schedule('UTC', [monday('09:00', '12:00')]), expiresOn: null }], {
      rules: { meetingDurationMinutes: 30, bookingHorizonDays: 1 },
    });
    const when = at('2030-06-23T09:15:00Z');
    expect(
      check('2030-06-24T09:00:00Z', '2030-06-24T09:15:00Z', when, {
        ...horizon,
        rules: { ...horizon.rules, meetingDurationMinutes: 15 },
      }),
    ).toBeUndefined();
    expect(check('2030-06-24T09:00:00Z', '2030-06-24T09:30:00Z', when, horizon)).toBe('beyond_horizon');
    expect(checkBookable(horizon, range('2030-06-24T09:00:00Z', '2030-06-24T09:30:00Z'), when)).toMatchObject({
      message: expect.stringContaining('horizon'),
    });
  });

  it('treats intervals as half-open: without buffers, a meeting may start when an event ends', () => {
    const tight = { ...calendar, rules: { ...calendar.rules, bufferBeforeMinutes: 0 } };
    expect(check('2030-06-24T10:30:00Z', '2030-06-24T11:00:00Z', now, tight)).toBeUndefined();
    expect(check('2030-06-24T09:30:00Z', '2030-06-24T10:00:00Z', now, tight)).toBeUndefined();
  });
});

describe('busy times of outside calendars', () => {
  const calendar = state([{ schedule: schedule('UTC', [monday('09:00', '17:00')]), expiresOn: null }], {
    rules: { meetingDurationMinutes: 30, bufferBeforeMinutes: 10, bufferAfterMinutes: 5 },
    events: [range('2030-06-24T10:00:00Z', '2030-06-24T10:30:00Z')],
    busy: [
      range('2030-06-24T13:00:00Z', '2030-06-24T14:00:00Z'),
      range('2030-06-24T15:30:00Z', '2030-06-24T16:00:00Z'),
    ],
  });
  const now = at('2030-06-01T00:00:00Z');
  const check = (from: string, to: string, s = calendar) =>
    checkBookable(s, range(`2030-06-24T${from}:00Z`, `2030-06-24T${to}:00Z`), now);

  it('keep meetings away as an event does: by the buffers on both sides', () => {
    // Each blocks [start − 15 min, end + 15 min).
    expect(iso(freeTime(calendar, MONDAY, now))).toEqual([
      ['2030-06-24T09:00:00.000Z', '2030-06-24T09:45:00.000Z'],
      ['2030-06-24T10:45:00.000Z', '2030-06-24T12:45:00.000Z'],
      ['2030-06-24T14:15:00.000Z', '2030-06-24T15:15:00.000Z'],
      ['2030-06-24T16:15:00.000Z', '2030-06-24T17:00:00.000Z'],
    ]);
  });

  it('refuse a meeting over a busy time with their own reason, naming the busy interval', () => {
    expect(check('13:30', '14:00')).toEqual({
      kind: 'busy',
      interval: range('2030-06-24T13:00:00Z', '2030-06-24T14:00:00Z'),
    });
    expect(check('14:14', '14:44')?.kind).toBe('busy');
    expect(check('14:15', '14:45')).toBeNull();
    expect(check('12:15', '12:45')).toBeNull();
    expect(check('12:16', '12:46')?.kind).toBe('busy');
    expect(check('15:15', '15:45')?.kind).toBe('busy');
  });

  it('name an event before a busy time when both are in the way', () => {
    const both = { ...calendar, busy: [range('2030-06-24T10:15:00Z', '2030-06-24T11:00:00Z')] };
    expect(check('10:20', '10:50', both)?.kind).toBe('conflict');
    expect(check('11:00', '11:30', both)?.kind).toBe('busy');
  });

  it('are refused before the hours are looked at, as events are', () => {
    const late = { ...calendar, busy: [range('2030-06-24T16:50:00Z', '2030-06-24T18:00:00Z')] };
    expect(check('17:00', '17:30', late)?.kind).toBe('busy');
    expect(check('18:15', '18:45', late)?.kind).toBe('outside_availability');
  });

  it('list only slots that pass the check', () => {
    const free = freeTime(calendar, MONDAY, now);
    const listed = slots(calendar, free, 30, now);
    expect(listed.map((s) => new Date(s.start).toISOString().slice(11, 16))).toEqual([
      '09:00',
      '10:45',
      '11:15',
      '11:45',
      '12:15',
      '14:15',
      '14:45',
      '16:15',
    ]);
    for (const slot of listed) expect(checkBookable(calendar, slot, now)).toBeNull();
  });
});
