import { internalKeys } from '@slotkeeper/auth';
import { defaultRules, type Rules } from '@slotkeeper/availability';
import type { MessageBus } from '@slotkeeper/messaging';
import { OutboxRelay } from '@slotkeeper/messaging';
import { silentLogger } from '@slotkeeper/observability';
import { ManualClock } from '@slotkeeper/time';
import { MemoryLedgerRepository } from '../src/adapters/memory/memory-ledger-repository.js';
import { bookingDeps } from '../src/app.js';
import type { BookingDeps } from '../src/domain/booking-use-cases.js';
import { CalendarSerializer } from '../src/domain/calendar-serializer.js';

export const CAL = 'aaaaaaaaaaaaaaaaaaaaaaaa';
export const SCHEDULE = 'cccccccccccccccccccccccc';

/** A schedule open on Mondays (UTC) from `open[0]` to `open[1]`. */
export const OPEN_SCHEDULE = (open: [string, string]) => ({
  id: SCHEDULE,
  timezone: 'UTC',
  time_slots: [{ day_of_week: 'monday' as const, start_time: open[0], end_time: open[1] }],
  date_overrides: [],
});

/** A calendar's booking rules as the ledger holds them: a new calendar's defaults, with `overrides`. */
export const ledgerRules = (overrides: Partial<Rules> = {}): Rules => ({ ...defaultRules, ...overrides });

/** The key cancel tokens are derived with in these tests. */
export const cancelTokenKey = internalKeys('the internal secret of the booking tests').cancelTokens;

/**
 * Booking's real dependencies on an in-memory ledger, with calendar CAL open on Mondays
 * (UTC) from `open[0]` to `open[1]`.
 */
export async function bookingWithCalendar(
  bus: MessageBus,
  rules: Rules,
  open: [string, string],
  relay: { sweepIntervalMs?: number; sweepAfterMs?: number } = {},
): Promise<BookingDeps & { ledgers: MemoryLedgerRepository; relay: OutboxRelay }> {
  const ledgers = new MemoryLedgerRepository();
  const outbox = new OutboxRelay(ledgers.outbox, bus, { logger: silentLogger(), ...relay });
  await ledgers.applyCalendar({
    calendarId: CAL,
    userId: 'bbbbbbbbbbbbbbbbbbbbbbbb',
    rules,
    links: [{ schedule: OPEN_SCHEDULE(open), expiresOn: null }],
    version: 1,
  });
  return bookingDeps({
    ledgers,
    outbox,
    relay: outbox,
    clock: new ManualClock('2030-06-01T00:00:00Z'),
    serializer: new CalendarSerializer(),
    cancelTokenKey,
  });
}
