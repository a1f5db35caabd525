import { createEnvelope, type CalendarSnapshot } from '@slotkeeper/contracts';
import { InProcessBus } from '@slotkeeper/messaging';
import { silentLogger } from '@slotkeeper/observability';
import { calendarRules } from '@slotkeeper/testing';
import { describe, expect, it } from 'vitest';
import { MemoryBusyTimesRepository } from '../src/adapters/memory/memory-busy-times-repository.js';
import { MemoryLedgerRepository } from '../src/adapters/memory/memory-ledger-repository.js';
import { consumeCalendarChanges } from '../src/consumers/calendar-consumer.js';
import { CalendarSerializer } from '../src/domain/calendar-serializer.js';
import { busyTimesChanged, CAL, OPEN_SCHEDULE, SCHEDULE, SOURCE } from './fixtures.js';

/** The schedule as the calendar's messages carry it, and as the ledger keeps it. */
const snapshot = {
  id: SCHEDULE,
  timezone: 'UTC',
  time_slots: [{ day_of_week: 'monday' as const, start_time: '09:00', end_time: '17:00' }],
  date_overrides: [],
};
const schedule = OPEN_SCHEDULE(['09:00', '17:00']);
const at = (version: number, links: CalendarSnapshot['links'] = []): CalendarSnapshot => ({
  calendar_id: CAL,
  user_id: 'bbbbbbbbbbbbbbbbbbbbbbbb',
  version,
  rules: calendarRules(),
  links,
});
const linked = { schedule: snapshot, expires_on: '2030-12-31T00:00:00.000Z' };

async function consumer() {
  const bus = new InProcessBus({ logger: silentLogger(), maxAttempts: 2 });
  const ledgers = new MemoryLedgerRepository();
  const busyTimes = new MemoryBusyTimesRepository();
  await consumeCalendarChanges(bus, { ledgers, busyTimes, serializer: new CalendarSerializer() });
  return { bus, ledgers, busyTimes };
}

describe('the booking service’s calendar consumer', () => {
  it('when a calendar is created, linked and unlinked, with messages late and repeated, then the ledger holds the newest state', async () => {
    const { bus, ledgers } = await consumer();
    const linkedMessage = createEnvelope('ScheduleLinked', { ...at(2, [linked]), ...linked }, new Date());
    await bus.publish(createEnvelope('CalendarCreated', at(1), new Date()));
    await bus.publish(linkedMessage);
    expect(await ledgers.findCalendar(CAL)).toMatchObject({
      version: 2,
      links: [{ schedule, expiresOn: new Date(linked.expires_on) }],
    });
    await bus.publish(createEnvelope('ScheduleUnlinked', { ...at(3), availability_schedule_id: SCHEDULE }, new Date()));
    await bus.publish(createEnvelope('CalendarCreated', at(1), new Date()));
    await bus.publish({ ...linkedMessage, id: crypto.randomUUID() });
    expect(await ledgers.findCalendar(CAL)).toMatchObject({ version: 3, links: [] });
    expect(bus.deadLetters).toEqual([]);
  });

  it('when a CalendarUpdated arrives, then it replaces an older state and never a newer one', async () => {
    const { bus, ledgers } = await consumer();
    await bus.publish(createEnvelope('CalendarCreated', at(1), new Date()));
    const rules = calendarRules({ meeting_duration_minutes: 45 });
    await bus.publish(createEnvelope('CalendarUpdated', { ...at(3, [linked]), rules }, new Date()));
    expect(await ledgers.findCalendar(CAL)).toMatchObject({
      version: 3,
      rules: { meetingDurationMinutes: 45 },
      links: [{ schedule }],
    });
    // A late, older update changes nothing.
    await bus.publish(createEnvelope('CalendarUpdated', at(2), new Date()));
    expect(await ledgers.findCalendar(CAL)).toMatchObject({ version: 3, links: [{ schedule }] });
    expect(bus.deadLetters).toEqual([]);
  });

  it('when a calendar arrives, then its booking rules are kept under the names the availability rules read', async () => {
    const { bus, ledgers } = await consumer();
    const rules = calendarRules({
      meeting_duration_minutes: 30,
      buffer_before_minutes: 5,
      buffer_after_minutes: 10,
      min_notice_minutes: 60,
      slot_interval_minutes: 15,
      booking_horizon_days: 30,
    });
    await bus.publish(createEnvelope('CalendarCreated', { ...at(1), rules }, new Date()));
    expect((await ledgers.findCalendar(CAL))?.rules).toEqual({
      meetingDurationMinutes: 30,
      bufferBeforeMinutes: 5,
      bufferAfterMinutes: 10,
      minNoticeMinutes: 60,
      slotIntervalMinutes: 15,
      bookingHorizonDays: 30,
    });
  });

  it('when a ScheduleLinked lacks the schedule its own schema requires, then it is parked and the ledger keeps its state', async () => {
    const { bus, ledgers } = await consumer();
    await bus.publish(createEnvelope('CalendarCreated', at(1), new Date()));
    // The calendar part alone would pass as a CalendarCreated; as a ScheduleLinked it is incomplete.
    const message = { ...createEnvelope('CalendarCreated', at(2, [linked]), new Date()), type: 'ScheduleLinked' };
    await bus.publish(message);
    expect(bus.deadLetters).toMatchObject([{ queue: 'booking', message: { id: message.id } }]);
    expect(await ledgers.findCalendar(CAL)).toMatchObject({ version: 1, links: [] });
  });
});

describe('the booking service’s busy-times consumer (same queue, same subscription)', () => {
  const DAY = { start: Date.parse('2030-06-24T00:00:00Z'), end: Date.parse('2030-06-25T00:00:00Z') };
  const hour = (h: number) => Date.parse(`2030-06-24T${String(h).padStart(2, '0')}:00:00Z`);

  it('when versions arrive out of order and repeated, then the newest busy times are kept', async () => {
    const { bus, busyTimes } = await consumer();
    const third = busyTimesChanged(3, [[hour(14), hour(15)]]);
    await bus.publish(busyTimesChanged(2, [[hour(10), hour(11)]]));
    await bus.publish(third);
    await bus.publish(busyTimesChanged(1, [[hour(9), hour(17)]]));
    await bus.publish({ ...third, id: crypto.randomUUID() });
    await bus.publish(busyTimesChanged(2, [[hour(10), hour(11)]]));
    expect(await busyTimes.busyBetween(CAL, DAY)).toEqual([{ start: hour(14), end: hour(15) }]);
    expect(await busyTimes.busyVersion(CAL, SOURCE)).toBe(3);
    expect(bus.deadLetters).toEqual([]);
  });

  it('when a source is removed, then its tombstone keeps older busy times from coming back', async () => {
    const { bus, busyTimes } = await consumer();
    await bus.publish(busyTimesChanged(1, [[hour(10), hour(11)]]));
    await bus.publish(busyTimesChanged(2, [], true));
    expect(await busyTimes.busyBetween(CAL, DAY)).toEqual([]);
    await bus.publish(busyTimesChanged(1, [[hour(10), hour(11)]]));
    expect(await busyTimes.busyBetween(CAL, DAY)).toEqual([]);
    expect(await busyTimes.busyVersion(CAL, SOURCE)).toBe(2);
  });

  it('when a sender’s busy times are unsorted or overlap, then they are kept merged', async () => {
    const { bus, busyTimes } = await consumer();
    await bus.publish(
      busyTimesChanged(1, [
        [hour(13), hour(14)],
        [hour(10), hour(12)],
        [hour(11), hour(12)],
        [hour(12), hour(13)],
      ]),
    );
    expect(await busyTimes.busyBetween(CAL, DAY)).toEqual([{ start: hour(10), end: hour(14) }]);
  });

  it('when a BusyTimesChanged is malformed, then it is parked and nothing changes', async () => {
    const { bus, busyTimes } = await consumer();
    const bad = { ...busyTimesChanged(1, [[hour(10), hour(11)]]) };
    bad.data = { ...bad.data, source_id: 'not-an-id' };
    await bus.publish(bad);
    expect(bus.deadLetters).toMatchObject([{ queue: 'booking', message: { id: bad.id } }]);
    expect(await busyTimes.busyBetween(CAL, DAY)).toEqual([]);
  });

  it('when calendar messages and busy times arrive, then one consumer on the booking queue handles both', async () => {
    const bus = new InProcessBus({ logger: silentLogger(), maxAttempts: 2 });
    const subscriptions: Array<{ queue: string; types: readonly string[] }> = [];
    const subscribe = bus.subscribe.bind(bus);
    bus.subscribe = async (queue, types, handler, options) => {
      subscriptions.push({ queue, types });
      return subscribe(queue, types, handler, options);
    };
    await consumeCalendarChanges(bus, {
      ledgers: new MemoryLedgerRepository(),
      busyTimes: new MemoryBusyTimesRepository(),
      serializer: new CalendarSerializer(),
    });
    expect(subscriptions).toEqual([
      { queue: 'booking', types: expect.arrayContaining(['CalendarCreated', 'BusyTimesChanged']) },
    ]);
  });
});
