import { internalKeys } from '@slotkeeper/auth';
import { createEnvelope, defaultRules, type Rules } from '@slotkeeper/contracts';
import { InProcessBus, OutboxRelay, type MessageBus } from '@slotkeeper/messaging';
import { silentLogger } from '@slotkeeper/observability';
import { ManualClock, type Clock } from '@slotkeeper/time';
import { MemoryBusyTimesRepository } from '../src/adapters/memory/memory-busy-times-repository.js';
import { MemoryLedgerRepository } from '../src/adapters/memory/memory-ledger-repository.js';
import { bookingDeps } from '../src/app.js';
import type { BookingDeps } from '../src/domain/booking-use-cases.js';
import { CalendarSerializer } from '../src/domain/calendar-serializer.js';
import type { LinkedSchedule } from '../src/domain/ledger.js';

export const CAL = 'aaaaaaaaaaaaaaaaaaaaaaaa';
export const SCHEDULE = 'cccccccccccccccccccccccc';

/** The outside calendar of CAL whose busy times the tests' BusyTimesChanged messages carry. */
export const SOURCE = '111111111111111111111111';

/**
 * The sync service's BusyTimesChanged for SOURCE of CAL: its busy times whole (epoch ms pairs) at
 * `version`, read in a window from the tests' clock up to `windowEnd`.
 */
export const busyTimesChanged = (
  version: number,
  busy: Array<[number, number]>,
  removed = false,
  windowEnd = '2031-06-01T00:00:00.000Z',
) =>
  createEnvelope(
    'BusyTimesChanged',
    {
      calendar_id: CAL,
      source_id: SOURCE,
      version,
      removed,
      window_start: '2030-06-01T00:00:00.000Z',
      window_end: windowEnd,
      busy,
    },
    new Date(),
  );

/** A schedule open on Mondays (UTC) from `open[0]` to `open[1]`, as the ledger links it. */
export const OPEN_SCHEDULE = (open: [string, string]): LinkedSchedule => ({
  id: SCHEDULE,
  timezone: 'UTC',
  timeSlots: [{ dayOfWeek: 'monday', startTime: open[0], endTime: open[1] }],
  dateOverrides: [],
});

/** A schedule open on Mondays 09:00–17:00 in Berlin, closed on Christmas Day, as the ledger links it. */
export const WORK_SCHEDULE: LinkedSchedule = {
  id: SCHEDULE,
  timezone: 'Europe/Berlin',
  timeSlots: [{ dayOfWeek: 'monday', startTime: '09:00', endTime: '17:00' }],
  dateOverrides: [{ date: '2030-12-25', timeSlots: [] }],
};

/** A calendar's booking rules as the ledger holds them: a new calendar's defaults, with `overrides`. */
export const ledgerRules = (overrides: Partial<Rules> = {}): Rules => ({ ...defaultRules, ...overrides });

/** The key cancel tokens are derived with in these tests. */
export const cancelTokenKey = internalKeys('the internal secret of the booking tests').cancelTokens;

/** Booking's real dependencies on a fresh in-memory ledger, its messages relayed to `bus`. */
export function memoryBookingDeps(
  clock: Clock,
  bus: MessageBus = new InProcessBus({ logger: silentLogger() }),
  relay: { sweepIntervalMs?: number; sweepAfterMs?: number } = {},
): BookingDeps & { ledgers: MemoryLedgerRepository; busyTimes: MemoryBusyTimesRepository; relay: OutboxRelay } {
  const ledgers = new MemoryLedgerRepository();
  const outbox = new OutboxRelay(ledgers.outbox, bus, { logger: silentLogger(), ...relay });
  return bookingDeps({
    ledgers,
    busyTimes: new MemoryBusyTimesRepository(),
    outbox,
    relay: outbox,
    clock,
    serializer: new CalendarSerializer(),
    cancelTokenKey,
  });
}

/**
 * Booking's real dependencies on an in-memory ledger, with calendar CAL open on Mondays
 * (UTC) from `open[0]` to `open[1]`.
 */
export async function bookingWithCalendar(
  bus: MessageBus,
  rules: Rules,
  open: [string, string],
  relay: { sweepIntervalMs?: number; sweepAfterMs?: number } = {},
): Promise<
  BookingDeps & { ledgers: MemoryLedgerRepository; busyTimes: MemoryBusyTimesRepository; relay: OutboxRelay }
> {
  const deps = memoryBookingDeps(new ManualClock('2030-06-01T00:00:00Z'), bus, relay);
  await deps.ledgers.applyCalendar({
    calendarId: CAL,
    userId: 'bbbbbbbbbbbbbbbbbbbbbbbb',
    rules,
    links: [{ schedule: OPEN_SCHEDULE(open), expiresOn: null }],
    version: 1,
  });
  return deps;
}
