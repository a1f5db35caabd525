import { setImmediate as nextTurn } from 'node:timers/promises';
import { generateId, MAX_QUORUM_OVERLAPS, type Rules } from '@slotkeeper/contracts';
import {
  ForbiddenError,
  NotBookableError,
  SlotTakenError,
  UnauthorizedError,
  ValidationError,
} from '@slotkeeper/errors';
import { ManualClock, type Clock } from '@slotkeeper/time';
import { describe, expect, it } from 'vitest';
import { compareCalendars, getAvailability } from '../src/domain/availability-use-cases.js';
import { bookEvent } from '../src/domain/booking-use-cases.js';
import { openHoursOnce } from '../src/domain/calendar-state.js';
import type { LinkedSchedule } from '../src/domain/ledger.js';
import { ledgerRules, memoryBookingDeps } from './fixtures.js';

const OWNER = 'bbbbbbbbbbbbbbbbbbbbbbbb';
const owner = { kind: 'user' as const, userId: OWNER };
const RULES: Rules = ledgerRules({ meetingDurationMinutes: 30 });
const at = (iso: string) => Date.parse(iso);
const MONDAY = { start: at('2030-06-24T00:00:00Z'), end: at('2030-06-25T00:00:00Z') };
const hm = (ms: number) => new Date(ms).toISOString().slice(11, 16);

const mondays = (slots: Array<[string, string]>, timezone = 'UTC'): LinkedSchedule => ({
  id: generateId(),
  timezone,
  timeSlots: slots.map(([startTime, endTime]) => ({ dayOfWeek: 'monday' as const, startTime, endTime })),
  dateOverrides: [],
});

function system(clock: Clock = new ManualClock('2030-06-01T00:00:00Z')) {
  const deps = memoryBookingDeps(clock);
  const calendar = async (rules: Partial<Rules>, schedules: LinkedSchedule[], version = 1) => {
    const calendarId = generateId();
    await deps.ledgers.applyCalendar({
      calendarId,
      userId: OWNER,
      rules: { ...RULES, ...rules },
      links: schedules.map((schedule) => ({ schedule, expiresOn: null })),
      version,
    });
    return calendarId;
  };
  return { deps, calendar };
}

const booking = (calendarId: string, start: string, end: string) => ({
  calendarId,
  title: 'Call',
  start: new Date(start),
  end: new Date(end),
  bookedBy: 'ann@example.com',
  guests: [],
});

/** A clock that moves on by a millisecond every time it is read, and counts the reads. */
class TickingClock implements Clock {
  reads = 0;
  constructor(private current: number) {}
  now(): Date {
    this.reads++;
    return new Date(this.current++);
  }
}

describe('one reading of the clock per request', () => {
  it('when the clock moves while availability is computed, then free time and min_notice still meet exactly', async () => {
    const clock = new TickingClock(at('2030-06-24T08:28:07.211Z'));
    const { deps, calendar } = system(clock);
    const id = await calendar({ minNoticeMinutes: 60 }, [mondays([['09:00', '17:00']])]);
    const result = await getAvailability(id, MONDAY, { explain: true, actor: owner }, deps);
    expect(clock.reads).toBe(1);
    const notice = result.unavailable!.find((u) => u.reason === 'min_notice')!;
    expect(new Date(result.free[0]!.start).toISOString()).toBe('2030-06-24T09:28:07.211Z');
    expect(notice.end).toBe(result.free[0]!.start);
  });

  it('when calendars are compared, then the clock is read once for all of them', async () => {
    const clock = new TickingClock(at('2030-06-24T08:00:00Z'));
    const { deps, calendar } = system(clock);
    const ids = [
      await calendar({}, [mondays([['09:00', '17:00']])]),
      await calendar({}, [mondays([['09:00', '17:00']])]),
    ];
    await compareCalendars(ids, MONDAY, { quorum: 2 }, deps);
    expect(clock.reads).toBe(1);
  });
});

describe('slot length', () => {
  it('when a calendar has a meeting length, then another duration is a 400 naming duration', async () => {
    const { deps, calendar } = system();
    const id = await calendar({ meetingDurationMinutes: 30 }, [mondays([['09:00', '12:00']])]);
    const refused = getAvailability(id, MONDAY, { durationMinutes: 45 }, deps);
    await expect(refused).rejects.toBeInstanceOf(ValidationError);
    await expect(refused).rejects.toMatchObject({ errors: [{ path: 'duration' }] });
    expect((await getAvailability(id, MONDAY, { durationMinutes: 30 }, deps)).slots).toHaveLength(6);
  });

  it('when a calendar has none, then any duration lists slots of that length, and they book', async () => {
    const { deps, calendar } = system();
    const id = await calendar({ meetingDurationMinutes: null }, [mondays([['09:00', '12:00']])]);
    const { slots = [] } = await getAvailability(id, MONDAY, { durationMinutes: 45 }, deps);
    expect(slots.map((s) => hm(s.start))).toEqual(['09:00', '09:45', '10:30', '11:15']);
    const last = slots[3]!;
    const booked = bookEvent(
      booking(id, new Date(last.start).toISOString(), new Date(last.end).toISOString()),
      undefined,
      deps,
    );
    await expect(booked).resolves.toMatchObject({ event: { status: 'confirmed' } });
  });
});

describe('buffers: an event blocks [start − before − after, end + after + before)', () => {
  it('when a 10:00–10:30 event has a 10-minute before-buffer, then the next meeting starts at 10:40, not 10:30', async () => {
    const { deps, calendar } = system();
    const id = await calendar({ bufferBeforeMinutes: 10 }, [mondays([['09:00', '12:00']])]);
    await bookEvent(booking(id, '2030-06-24T10:00:00Z', '2030-06-24T10:30:00Z'), undefined, deps);
    const { free, slots = [] } = await getAvailability(id, MONDAY, {}, deps);
    expect(free.map((f) => [hm(f.start), hm(f.end)])).toEqual([
      ['09:00', '09:50'],
      ['10:40', '12:00'],
    ]);
    expect(slots.map((s) => hm(s.start))).toEqual(['09:00', '10:40', '11:10']);
    await expect(
      bookEvent(booking(id, '2030-06-24T10:30:00Z', '2030-06-24T11:00:00Z'), undefined, deps),
    ).rejects.toBeInstanceOf(SlotTakenError);
    await expect(
      bookEvent(booking(id, '2030-06-24T09:30:00Z', '2030-06-24T10:00:00Z'), undefined, deps),
    ).rejects.toBeInstanceOf(SlotTakenError);
    await expect(
      bookEvent(booking(id, '2030-06-24T10:40:00Z', '2030-06-24T11:10:00Z'), undefined, deps),
    ).resolves.toBeDefined();
    await expect(
      bookEvent(booking(id, '2030-06-24T09:20:00Z', '2030-06-24T09:50:00Z'), undefined, deps),
    ).resolves.toBeDefined();
  });
});

describe('booking horizon', () => {
  it('when a time lies after now + the horizon, then it is not free, not listed and not bookable', async () => {
    const { deps, calendar } = system(new ManualClock('2030-06-23T10:00:00Z'));
    const id = await calendar({ bookingHorizonDays: 1 }, [mondays([['09:00', '12:00']])]);
    const { free, slots = [] } = await getAvailability(id, MONDAY, {}, deps);
    expect(free.map((f) => [hm(f.start), hm(f.end)])).toEqual([['09:00', '10:00']]);
    expect(slots.map((s) => hm(s.start))).toEqual(['09:00', '09:30']);
    const late = bookEvent(booking(id, '2030-06-24T09:45:00Z', '2030-06-24T10:15:00Z'), undefined, deps);
    await expect(late).rejects.toBeInstanceOf(NotBookableError);
    await expect(late).rejects.toThrow(/horizon/);
  });
});

describe('explain is the owner’s', () => {
  it('when nobody, another user, the owner or a service asks, then 401, 403, the answer, the answer', async () => {
    const { deps, calendar } = system();
    const id = await calendar({}, [mondays([['09:00', '12:00']])]);
    const ask = (actor: Parameters<typeof getAvailability>[2]['actor']) =>
      getAvailability(id, MONDAY, { explain: true, ...(actor && { actor }) }, deps);
    await expect(ask(undefined)).rejects.toBeInstanceOf(UnauthorizedError);
    await expect(ask({ kind: 'anonymous' })).rejects.toBeInstanceOf(UnauthorizedError);
    await expect(ask({ kind: 'user', userId: 'cccccccccccccccccccccccc' })).rejects.toBeInstanceOf(ForbiddenError);
    expect((await ask(owner)).unavailable).toBeDefined();
    expect((await ask({ kind: 'service', service: 'gateway' })).unavailable).toBeDefined();
    // Without explain, anyone may ask.
    expect(await getAvailability(id, MONDAY, {}, deps)).not.toHaveProperty('unavailable');
  });

  it('when nobody asks about a calendar that does not exist, then 401 says nothing of it', async () => {
    const { deps } = system();
    await expect(
      getAvailability(generateId(), MONDAY, { explain: true, actor: { kind: 'anonymous' } }, deps),
    ).rejects.toBeInstanceOf(UnauthorizedError);
  });
});

describe('compare with a quorum', () => {
  it('when A and B are free 09–11 and C 09–10, then quorum 2 with duration 120 finds A and B at 09–11', async () => {
    const { deps, calendar } = system();
    const a = await calendar({}, [mondays([['09:00', '11:00']])]);
    const b = await calendar({}, [mondays([['09:00', '11:00']])]);
    const c = await calendar({}, [mondays([['09:00', '10:00']])]);
    const overlaps = await compareCalendars([a, b, c], MONDAY, { quorum: 2, durationMinutes: 120 }, deps);
    expect(overlaps.map((o) => [hm(o.start), hm(o.end), o.calendarIds])).toEqual([['09:00', '11:00', [a, b]]]);
    const all = await compareCalendars([a, b, c], MONDAY, { quorum: 2 }, deps);
    expect(all.map((o) => [hm(o.start), hm(o.end), o.calendarIds])).toEqual([
      ['09:00', '10:00', [a, b, c]],
      ['09:00', '11:00', [a, b]],
    ]);
  });

  it(`when a comparison would answer more than ${MAX_QUORUM_OVERLAPS} intervals, then it is a 400 naming quorum`, async () => {
    const { deps, calendar } = system();
    // 20 calendars of 20-minute windows every 30 minutes, each a minute later than the last:
    // every start point opens intervals with many others.
    const ids: string[] = [];
    for (let c = 0; c < 20; c++) {
      const windows: Array<[string, string]> = [];
      for (let m = c; m + 20 <= 24 * 60; m += 30) windows.push([wall(m), wall(m + 20)]);
      ids.push(await calendar({}, [mondays(windows)]));
    }
    const refused = compareCalendars(ids, MONDAY, { quorum: 1 }, deps);
    await expect(refused).rejects.toBeInstanceOf(ValidationError);
    await expect(refused).rejects.toMatchObject({ errors: [{ path: 'quorum' }] });
  });

  it('when a heavy comparison runs, then other work gets turns while it does', async () => {
    const { deps, calendar } = system();
    const ids: string[] = [];
    for (let c = 0; c < 20; c++) {
      const windows: Array<[string, string]> = [];
      for (let m = c * 3; m + 10 <= 24 * 60; m += 25) windows.push([wall(m), wall(m + 10)]);
      const week = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;
      ids.push(
        await calendar({}, [
          {
            ...mondays([]),
            timeSlots: week.flatMap((dayOfWeek) =>
              windows.slice(0, 28).map(([startTime, endTime]) => ({ dayOfWeek, startTime, endTime })),
            ),
          },
        ]),
      );
    }
    let turns = 0;
    let done = false;
    const compared = compareCalendars(
      ids,
      { start: at('2030-06-01T00:00:00Z'), end: at('2030-07-02T00:00:00Z') },
      { quorum: 15 },
      deps,
    ).finally(() => (done = true));
    while (!done) {
      await nextTurn();
      turns++;
    }
    await compared;
    expect(turns).toBeGreaterThan(20);
  });
});

describe('compiled open hours', () => {
  it('when a calendar is asked about again at the same version, then its hours are reused; a new version computes them again', async () => {
    const { deps, calendar } = system();
    const schedule = mondays([['09:00', '12:00']]);
    const id = await calendar({}, [schedule]);
    const ledger = (await deps.ledgers.findCalendar(id))!;
    const hours = openHoursOnce(ledger);
    await getAvailability(id, MONDAY, {}, deps);
    expect(openHoursOnce(structuredClone(ledger))).toBe(hours);
    expect(hours.isMissing(Math.floor(MONDAY.start / 86_400_000))).toBe(false);
    expect(openHoursOnce({ ...ledger, version: 2 })).not.toBe(hours);
  });
});

function wall(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}
