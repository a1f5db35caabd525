import type { CalendarSnapshot } from '@slotkeeper/contracts';
import { parseMessage, type MessageBus } from '@slotkeeper/messaging';
import type { CalendarLedger, LedgerRepository } from '../domain/ledger.js';

export const BOOKING_QUEUE = 'booking';

const toLedger = (data: CalendarSnapshot): CalendarLedger => ({
  calendarId: data.calendar_id,
  userId: data.user_id,
  rules: data.rules,
  links: data.links.map((link) => ({
    schedule: link.schedule,
    expiresOn: link.expires_on ? new Date(link.expires_on) : null,
  })),
  version: data.version,
});

/**
 * Projects calendars into the booking ledgers. Every calendar message carries the calendar's
 * whole state at its version, and the ledger keeps the highest version: applying them is
 * idempotent and commutes, whatever the broker's order or repetitions.
 */
export async function consumeCalendarChanges(
  bus: MessageBus,
  ledgers: LedgerRepository,
  queue = BOOKING_QUEUE,
): Promise<void> {
  const types = ['CalendarCreated', 'ScheduleLinked', 'ScheduleUnlinked'] as const;
  await bus.subscribe(queue, types, async (message) => {
    const type = types.find((t) => t === message.type);
    if (type) await ledgers.applyCalendar(toLedger(parseMessage(type, message)));
  });
}
