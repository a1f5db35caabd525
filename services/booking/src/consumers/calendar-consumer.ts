import { parseMessage, type MessageBus } from '@slotkeeper/messaging';
import type { LedgerRepository } from '../domain/ledger.js';

export const BOOKING_QUEUE = 'booking';

/** Projects calendars and their schedule links into the booking ledgers. */
export async function consumeCalendarChanges(
  bus: MessageBus,
  ledgers: LedgerRepository,
  queue = BOOKING_QUEUE,
): Promise<void> {
  await bus.subscribe(queue, ['CalendarCreated', 'ScheduleLinked', 'ScheduleUnlinked'], async (message) => {
    switch (message.type) {
      case 'CalendarCreated': {
        const data = parseMessage('CalendarCreated', message);
        return ledgers.saveCalendar({ calendarId: data.calendar_id, userId: data.user_id, rules: data.rules });
      }
      case 'ScheduleLinked': {
        const data = parseMessage('ScheduleLinked', message);
        return ledgers.link(
          { calendarId: data.calendar_id, userId: data.user_id, rules: data.rules },
          { schedule: data.schedule, expiresOn: data.expires_on ? new Date(data.expires_on) : null },
        );
      }
      case 'ScheduleUnlinked': {
        const data = parseMessage('ScheduleUnlinked', message);
        return ledgers.unlink(data.calendar_id, data.availability_schedule_id);
      }
    }
  });
}
