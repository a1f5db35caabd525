import { anonymous, IDENTITY_HEADER, internalKeys, signIdentity, type Principal } from '@slotkeeper/auth';
import { InProcessBus, OutboxRelay } from '@slotkeeper/messaging';
import { silentLogger } from '@slotkeeper/observability';
import { ManualClock } from '@slotkeeper/time';
import { beforeEach, describe, expect, it } from 'vitest';
import { MemoryBusyTimesRepository } from '../src/adapters/memory/memory-busy-times-repository.js';
import { MemoryLedgerRepository } from '../src/adapters/memory/memory-ledger-repository.js';
import { buildBookingApp } from '../src/app.js';
import { CalendarSerializer } from '../src/domain/calendar-serializer.js';
import { busyTimesChanged, CAL, ledgerRules, OPEN_SCHEDULE, SOURCE } from './fixtures.js';

const keys = internalKeys('the internal secret of the busy-times tests');
const OWNER = 'bbbbbbbbbbbbbbbbbbbbbbbb';
const OTHER_CAL = 'dddddddddddddddddddddddd';
const syncService: Principal = { kind: 'service', service: 'sync' };
const owner: Principal = { kind: 'user', userId: OWNER };
const as = (principal: Principal) => ({ [IDENTITY_HEADER]: signIdentity(principal, keys.identity) });
const at = (hhmm: string) => `2030-06-24T${hhmm}:00.000Z`;
const ms = (hhmm: string) => Date.parse(at(hhmm));

/**
 * The booking service as it runs, on in-memory stores: busy times reach it only as the sync
 * service sends them, as BusyTimesChanged messages on the bus.
 */
describe('busy times of outside calendars in the booking service', () => {
  let app: Awaited<ReturnType<typeof buildBookingApp>>;
  let bus: InProcessBus;
  let ledgers: MemoryLedgerRepository;
  let published: string[];

  beforeEach(async () => {
    bus = new InProcessBus({ logger: silentLogger() });
    ledgers = new MemoryLedgerRepository();
    published = [];
    await bus.subscribe('probe', ['EventBooked', 'EventRescheduled'], async (m) => void published.push(m.type));
    app = await buildBookingApp({
      ledgers,
      busyTimes: new MemoryBusyTimesRepository(),
      outbox: new OutboxRelay(ledgers.outbox, bus, { logger: silentLogger() }),
      serializer: new CalendarSerializer(),
      bus,
      clock: new ManualClock('2030-06-01T00:00:00Z'),
      logger: silentLogger(),
      identityKey: keys.identity,
      cancelTokenKey: keys.cancelTokens,
    });
    await ledgers.applyCalendar({
      calendarId: CAL,
      userId: OWNER,
      rules: ledgerRules({ meetingDurationMinutes: 30, bufferBeforeMinutes: 5, bufferAfterMinutes: 10 }),
      links: [{ schedule: OPEN_SCHEDULE(['09:00', '17:00']), expiresOn: null }],
      version: 1,
    });
  });

  /** The sync service sends the source's busy times, whole, at `version`, read up to `windowEnd`. */
  const publishBusy = (version: number, busy: Array<[string, string]>, removed?: boolean, windowEnd?: string) =>
    bus.publish(
      busyTimesChanged(
        version,
        busy.map(([from, to]): [number, number] => [ms(from), ms(to)]),
        removed,
        windowEnd,
      ),
    );
  const book = (from: string, to: string, date = '2030-06-24') =>
    app.inject({
      method: 'POST',
      url: '/api/event/events',
      headers: as(anonymous),
      payload: {
        calendar_id: CAL,
        title: 'Call',
        start_time: `${date}T${from}:00.000Z`,
        end_time: `${date}T${to}:00.000Z`,
        booked_by: 'ann@example.com',
      },
    });
  const availability = (query = '', from = at('00:00'), to = '2030-06-25T00:00:00.000Z') =>
    app.inject({
      method: 'GET',
      url: `/api/calendar/calendars/${CAL}/availability?from=${from}&to=${to}${query}`,
      headers: as(owner),
    });
  const version = (principal: Principal = syncService, calendarId = CAL) =>
    app.inject({
      method: 'GET',
      url: `/internal/calendars/${calendarId}/busy_sources/${SOURCE}/version`,
      headers: as(principal),
    });
  const hm = (iso: string) => iso.slice(11, 16);

  it('when an outside calendar is busy, then availability leaves that time and its buffers out, and explain says busy_source', async () => {
    await publishBusy(1, [['12:00', '13:00']]);
    const response = await availability('&explain=true');
    expect(response.statusCode).toBe(200);
    const body = response.json<{
      free: Array<{ start_time: string; end_time: string }>;
      slots: Array<{ start_time: string }>;
      unavailable: Array<{ start_time: string; end_time: string; reason: string }>;
    }>();
    // Busy 12:00–13:00 keeps meetings away by the buffers, 5 + 10 minutes, on either side.
    expect(body.free.map((f) => [hm(f.start_time), hm(f.end_time)])).toEqual([
      ['09:00', '11:45'],
      ['13:15', '17:00'],
    ]);
    expect(body.slots.map((s) => hm(s.start_time))).not.toContain('11:30');
    expect(body.unavailable.filter((u) => u.reason === 'busy_source')).toEqual([
      { start_time: at('11:45'), end_time: at('13:15'), reason: 'busy_source' },
    ]);
  });

  it('when a comparison includes a busy calendar, then the busy time is not common free time', async () => {
    await ledgers.applyCalendar({
      calendarId: OTHER_CAL,
      userId: OWNER,
      rules: ledgerRules(),
      links: [{ schedule: OPEN_SCHEDULE(['09:00', '17:00']), expiresOn: null }],
      version: 1,
    });
    await publishBusy(1, [['12:00', '13:00']]);
    const response = await app.inject({
      method: 'GET',
      url: `/api/calendar/compare?calendar_ids=${CAL},${OTHER_CAL}&date=2030-06-24`,
      headers: as(anonymous),
    });
    expect(response.statusCode).toBe(200);
    const { overlaps } = response.json<{ overlaps: Array<{ start_time: string; end_time: string }> }>();
    expect(overlaps.map((o) => [hm(o.start_time), hm(o.end_time)])).toEqual([
      ['09:00', '11:45'],
      ['13:15', '17:00'],
    ]);
  });

  it('when a booking overlaps a busy time, then 409 says the owner is busy then, naming nothing of the outside event, and nothing is stored', async () => {
    await publishBusy(1, [['12:00', '13:00']]);
    for (const [from, to] of [
      ['12:30', '13:00'],
      ['11:20', '11:50'],
      ['13:10', '13:40'],
    ] as const) {
      const refused = await book(from, to);
      expect(refused.statusCode).toBe(409);
      expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(refused.json<{ detail: string }>().detail).toMatch(/owner is busy then/);
    }
    expect(await ledgers.eventsBetween(CAL, { start: ms('00:00'), end: ms('23:59') })).toEqual([]);
    expect(await ledgers.outbox.pendingFor(CAL)).toEqual([]);
    expect(published).toEqual([]);
    // Where the buffers end, the owner is free.
    expect((await book('13:15', '13:45')).statusCode).toBe(201);
  });

  it('when an event is in the way as well as a busy time, then the 409 is the slot taken', async () => {
    expect((await book('10:00', '10:30')).statusCode).toBe(201);
    await publishBusy(1, [['10:30', '11:00']]);
    const refused = await book('10:15', '10:45');
    expect(refused.statusCode).toBe(409);
    expect(refused.json<{ type: string }>().type).toMatch(/slot-taken$/);
  });

  it('when an event is moved onto a busy time, then 409, and it keeps its time', async () => {
    const booked = (await book('10:00', '10:30')).json<{ id: string; cancel_token: string }>();
    await publishBusy(1, [['15:00', '16:00']]);
    const move = (from: string, to: string) =>
      app.inject({
        method: 'POST',
        url: `/api/event/events/${booked.id}/reschedule`,
        headers: { ...as(anonymous), authorization: `Bearer ${booked.cancel_token}` },
        payload: { start_time: at(from), end_time: at(to) },
      });
    const refused = await move('15:30', '16:00');
    expect(refused.statusCode).toBe(409);
    expect(refused.json<{ detail: string }>().detail).toMatch(/owner is busy then/);
    const [event] = await ledgers.eventsBetween(CAL, { start: ms('00:00'), end: ms('23:59') });
    expect(event).toMatchObject({ id: booked.id, start: new Date(at('10:00')), version: 1 });
    expect(published).toEqual(['EventBooked']);
    expect((await move('14:00', '14:30')).statusCode).toBe(200);
  });

  it('when a source is removed, then its time books again, and late busy times of it never come back', async () => {
    await publishBusy(1, [['12:00', '13:00']]);
    expect((await book('12:00', '12:30')).statusCode).toBe(409);
    await publishBusy(2, [], true);
    await publishBusy(1, [['12:00', '13:00']]);
    expect((await book('12:00', '12:30')).statusCode).toBe(201);
  });

  describe('past the window the source was read in', () => {
    // A Monday a year on, the source read until its noon: the afternoon is unknown.
    const LATER = '2031-06-02';
    const NOON = `${LATER}T12:00:00.000Z`;
    const laterDay = () => availability('&explain=true', `${LATER}T00:00:00.000Z`, '2031-06-03T00:00:00.000Z');
    type Explained = {
      free: Array<{ start_time: string; end_time: string }>;
      slots: Array<{ start_time: string }>;
      unavailable: Array<{ start_time: string; end_time: string; reason: string }>;
    };

    it('when a booking lies past the window’s end, or its buffers reach it, then 409 says the owner is busy then', async () => {
      await publishBusy(1, [], false, NOON);
      for (const [from, to] of [
        ['13:00', '13:30'],
        ['11:30', '12:00'],
      ] as const) {
        const refused = await book(from, to, LATER);
        expect(refused.statusCode).toBe(409);
        expect(refused.json<{ detail: string }>().detail).toMatch(/owner is busy then/);
      }
      // Before it, with the buffers (5 + 10 minutes) clear of it, the owner's time is known free.
      expect((await book('11:15', '11:45', LATER)).statusCode).toBe(201);
    });

    it('when availability reaches past the window’s end, then it has no slots there, and explain says busy_source', async () => {
      await publishBusy(1, [], false, NOON);
      const body = (await laterDay()).json<Explained>();
      expect(body.free.map((f) => [hm(f.start_time), hm(f.end_time)])).toEqual([['09:00', '11:45']]);
      expect(body.slots.map((slot) => hm(slot.start_time))).toEqual(['09:00', '09:30', '10:00', '10:30', '11:00']);
      expect(body.unavailable.filter((u) => u.reason === 'busy_source')).toEqual([
        { start_time: `${LATER}T11:45:00.000Z`, end_time: '2031-06-03T00:00:00.000Z', reason: 'busy_source' },
      ]);
    });

    it('when a newer BusyTimesChanged’s window ends later, then the time up to it opens', async () => {
      await publishBusy(1, [['12:00', '13:00']], false, NOON);
      expect((await book('14:00', '14:30', LATER)).statusCode).toBe(409);
      await publishBusy(2, [], false, '2031-07-01T00:00:00.000Z');
      const body = (await laterDay()).json<Explained>();
      expect(body.free.map((f) => [hm(f.start_time), hm(f.end_time)])).toEqual([['09:00', '17:00']]);
      expect(body.unavailable.filter((u) => u.reason === 'busy_source')).toEqual([]);
      expect((await book('14:00', '14:30', LATER)).statusCode).toBe(201);
      // A late older message does not shorten it again.
      await publishBusy(1, [], false, NOON);
      expect((await book('15:00', '15:30', LATER)).statusCode).toBe(201);
    });

    it('when the source is removed, then its window no longer blocks', async () => {
      await publishBusy(1, [], false, NOON);
      expect((await book('14:00', '14:30', LATER)).statusCode).toBe(409);
      await publishBusy(2, [], true, NOON);
      expect((await book('14:00', '14:30', LATER)).statusCode).toBe(201);
      expect((await laterDay()).json<Explained>().unavailable.filter((u) => u.reason === 'busy_source')).toEqual([]);
    });
  });

  it('tells services which version of a source is applied: 0 before any, then the newest, and the tombstone’s', async () => {
    expect((await version()).json()).toEqual({ calendar_id: CAL, source_id: SOURCE, version: 0 });
    await publishBusy(3, [['12:00', '13:00']]);
    await publishBusy(2, [['09:00', '10:00']]);
    expect((await version()).json()).toEqual({ calendar_id: CAL, source_id: SOURCE, version: 3 });
    await publishBusy(4, [], true);
    expect((await version()).json()).toEqual({ calendar_id: CAL, source_id: SOURCE, version: 4 });
    // Under another calendar, the source is unknown.
    expect((await version(syncService, OTHER_CAL)).json()).toMatchObject({ version: 0 });
  });

  it('answers the version route to services only', async () => {
    expect((await version(owner)).statusCode).toBe(403);
    expect((await version(anonymous)).statusCode).toBe(403);
    expect((await version({ kind: 'service', service: 'calendar' })).statusCode).toBe(200);
    const malformed = await app.inject({
      method: 'GET',
      url: `/internal/calendars/${CAL}/busy_sources/nope/version`,
      headers: as(syncService),
    });
    expect(malformed.statusCode).toBe(400);
  });
});
