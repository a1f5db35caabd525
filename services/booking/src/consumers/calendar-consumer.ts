import type { CalendarSnapshot } from '@slotkeeper/contracts';
import { subscribeByType, type MessageBus } from '@slotkeeper/messaging';
import { ledgerFromWire } from '../adapters/calendar-ledgers.js';
import { applyBusyTimes, type BusyTimesRepository } from '../domain/busy-times.js';
import { closeDeletedCalendar } from '../domain/calendar-events.js';
import type { CalendarSerializer } from '../domain/calendar-serializer.js';
import type { LedgerRepository } from '../domain/ledger.js';

export const BOOKING_QUEUE = 'booking';

/**
 * Projects calendars into the booking ledgers, and busy sources into the busy times. Every
 * calendar message carries the calendar's whole state at its version (each type's schema extends
 * the snapshot), every BusyTimesChanged a source's whole busy times at the source's version, and
 * each projection keeps the highest version: applying them is idempotent and commutes, whatever
 * the broker's order or repetitions. One subscription: one consumer on the queue.
 */
export async function consumeCalendarChanges(
  bus: MessageBus,
  deps: { ledgers: LedgerRepository; busyTimes: BusyTimesRepository; serializer: CalendarSerializer },
  queue = BOOKING_QUEUE,
): Promise<void> {
  const { ledgers } = deps;
  const apply = async (snapshot: CalendarSnapshot) =>
    void (await ledgers.applyCalendar(ledgerFromWire(snapshot, (at) => new Date(at))));
  await subscribeByType(bus, queue, {
    CalendarCreated: apply,
    ScheduleLinked: apply,
    ScheduleUnlinked: apply,
    CalendarUpdated: apply,
    // A deleted calendar closes (idempotent); a later state of it never opens it again.
    CalendarDeleted: async ({ calendar_id }) => closeDeletedCalendar(calendar_id, deps),
    // A deleted calendar's busy times stay: its ledger is closed, so nothing reads them.
    BusyTimesChanged: async (data) =>
      void (await applyBusyTimes(
        {
          calendarId: data.calendar_id,
          sourceId: data.source_id,
          version: data.version,
          removed: data.removed,
          busy: data.busy.map(([start, end]) => ({ start, end })),
          // Past its window's end the source's busy times are unknown: not free. Its start is
          // a day before the sync's now, and nothing before now books, so it is not kept.
          windowEnd: Date.parse(data.window_end),
        },
        deps,
      )),
  });
}
