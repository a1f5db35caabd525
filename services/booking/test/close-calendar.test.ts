import { anonymous, IDENTITY_HEADER, internalKeys, signIdentity, type Principal } from '@slotkeeper/auth';
import { createEnvelope } from '@slotkeeper/contracts';
import { InProcessBus, OutboxRelay } from '@slotkeeper/messaging';
import { silentLogger } from '@slotkeeper/observability';
import { ManualClock } from '@slotkeeper/time';
import { beforeEach, describe, expect, it } from 'vitest';
import { MemoryBusyTimesRepository } from '../src/adapters/memory/memory-busy-times-repository.js';
import { MemoryLedgerRepository } from '../src/adapters/memory/memory-ledger-repository.js';
import { buildBookingApp } from '../src/app.js';
import { CalendarSerializer } from '../src/domain/calendar-serializer.js';
import { CAL, ledgerRules, OPEN_SCHEDULE } from './fixtures.js';

const keys = internalKeys('the internal secret of the close tests');
const OWNER = 'bbbbbbbbbbbbbbbbbbbbbbbb';
const OTHER_CAL = 'dddddddddddddddddddddddd';
const calendarService: Principal = { kind: 'service', service: 'calendar' };
const owner: Principal = { kind: 'user', userId: OWNER };
const as = (principal: Principal) => ({ [IDENTITY_HEADER]: signIdentity(principal, keys.identity) });

describe('closing a calendar (POST /internal/calendars/:calendar_id/close)', () => {
  let app: Awaited<ReturnType<typeof buildBookingApp>>;
  let ledgers: MemoryLedgerRepository;
  let bus: InProcessBus;
  let clock: ManualClock;

  beforeEach(async () => {
    bus = new InProcessBus({ logger: silentLogger() });
    ledgers = new MemoryLedgerRepository();
    clock = new ManualClock('2030-06-01T00:00:00Z');
    app = await buildBookingApp({
      ledgers,
      busyTimes: new MemoryBusyTimesRepository(),
      outbox: new OutboxRelay(ledgers.outbox, bus, { logger: silentLogger() }),
      serializer: new CalendarSerializer(),
      bus,
      clock,
      logger: silentLogger(),
      identityKey: keys.identity,
      cancelTokenKey: keys.cancelTokens,
    });
    for (const calendarId of [CAL, OTHER_CAL]) {
      await ledgers.applyCalendar({
        calendarId,
        userId: OWNER,
        rules: ledgerRules(),
        links: [{ schedule: OPEN_SCHEDULE(['09:00', '17:00']), expiresOn: null }],
        version: 1,
      });
    }
  });

  const close = (principal: Principal | null = calendarService, calendarId = CAL) =>
    app.inject({
      method: 'POST',
      url: `/internal/calendars/${calendarId}/close`,
      headers: as(principal ?? anonymous),
    });
  const book = (start: string, end: string, calendarId = CAL) =>
    app.inject({
      method: 'POST',
      url: '/api/event/events',
      headers: as(anonymous),
      payload: {
        calendar_id: calendarId,
        title: 'Call',
        start_time: `2030-06-24T${start}:00Z`,
        end_time: `2030-06-24T${end}:00Z`,
        booked_by: 'ann@example.com',
      },
    });

  it('when anyone but a service asks, then it is refused and the calendar stays open', async () => {
    expect((await close(owner)).statusCode).toBe(403);
    expect((await close(null)).statusCode).toBe(403);
    expect((await book('10:00', '10:30')).statusCode).toBe(201);
  });

  it('when a confirmed event has not ended, then 409; once it has, 204, and again 204', async () => {
    const event = await book('10:00', '10:30');
    expect(event.statusCode).toBe(201);
    const refused = await close();
    expect(refused.statusCode).toBe(409);
    expect(refused.headers['content-type']).toMatch(/application\/problem\+json/);
    expect((await book('11:00', '11:30')).statusCode).toBe(201);
    clock.set('2030-06-24T11:30:00Z');
    expect((await close()).statusCode).toBe(204);
    expect((await close()).statusCode).toBe(204);
  });

  it('when a calendar is closed, then bookings, reschedules, availability, compare and the events list answer 404', async () => {
    const event = (await book('10:00', '10:30')).json<{ id: string; cancel_token: string }>();
    await app.inject({
      method: 'DELETE',
      url: `/api/event/events/${event.id}`,
      headers: { ...as(anonymous), authorization: `Bearer ${event.cancel_token}` },
    });
    expect((await close()).statusCode).toBe(204);

    expect((await book('12:00', '12:30')).statusCode).toBe(404);
    const range = 'from=2030-06-24T00:00:00Z&to=2030-06-25T00:00:00Z';
    expect(
      (await app.inject({ url: `/api/calendar/calendars/${CAL}/availability?${range}`, headers: as(anonymous) }))
        .statusCode,
    ).toBe(404);
    const compare = await app.inject({
      url: `/api/calendar/compare?calendar_ids=${CAL},${OTHER_CAL}&${range}`,
      headers: as(anonymous),
    });
    expect(compare.statusCode).toBe(404);
    const list = await app.inject({ url: `/api/calendar/calendars/${CAL}/events`, headers: as(owner) });
    expect(list.statusCode).toBe(404);
    const moved = await app.inject({
      method: 'POST',
      url: `/api/event/events/${event.id}/reschedule`,
      headers: { ...as(anonymous), authorization: `Bearer ${event.cancel_token}` },
      payload: { start_time: '2030-06-24T13:00:00Z', end_time: '2030-06-24T13:30:00Z' },
    });
    expect(moved.statusCode).toBe(404);
    // The other calendar is untouched.
    expect((await book('12:00', '12:30', OTHER_CAL)).statusCode).toBe(201);
  });

  it('when CalendarDeleted arrives, then the calendar closes, even with events to come, and late states never reopen it', async () => {
    expect((await book('10:00', '10:30')).statusCode).toBe(201);
    await bus.publish(createEnvelope('CalendarDeleted', { calendar_id: CAL, user_id: OWNER, version: 3 }, new Date()));
    expect((await book('12:00', '12:30')).statusCode).toBe(404);
    await ledgers.applyCalendar({ ...(await ledgers.findCalendar(CAL))!, closed: false, version: 4 });
    expect((await book('12:00', '12:30')).statusCode).toBe(404);
    expect(bus.deadLetters).toEqual([]);
  });
});
