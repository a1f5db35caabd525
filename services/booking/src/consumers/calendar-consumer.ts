import type { CalendarSnapshot } from '@slotkeeper/contracts';
import { subscribeByType, type MessageBus } from '@slotkeeper/messaging';
import { ledgerFromWire } from '../adapters/calendar-ledgers.js';
import type { LedgerRepository } from '../domain/ledger.js';

export const BOOKING_QUEUE = 'booking';

/**
 * Projects calendars into the booking ledgers. Every calendar message carries the calendar's
 * whole state at its version (each type's schema extends the snapshot), and the ledger keeps the
 * highest version: applying them is idempotent and commutes, whatever the broker's order or
 * repetitions.
 */
export async function consumeCalendarChanges(
  bus: MessageBus,
  ledgers: LedgerRepository,
  queue = BOOKING_QUEUE,
): Promise<void> {
  const apply = async (snapshot: CalendarSnapshot) =>
    void (await ledgers.applyCalendar(ledgerFromWire(snapshot, (at) => new Date(at))));
  await subscribeByType(bus, queue, { CalendarCreated: apply, ScheduleLinked: apply, ScheduleUnlinked: apply });
}
