import type { CalendarSnapshot } from '@slotkeeper/contracts';
import { subscribeByType, type MessageBus } from '@slotkeeper/messaging';
import type { CalendarLedger, LedgerRepository } from '../domain/ledger.js';

export const BOOKING_QUEUE = 'booking';

const toLedger = ({ rules, ...data }: CalendarSnapshot): CalendarLedger => ({
  calendarId: data.calendar_id,
  userId: data.user_id,
  rules: {
    meetingDurationMinutes: rules.meeting_duration_minutes,
    bufferBeforeMinutes: rules.buffer_before_minutes,
    bufferAfterMinutes: rules.buffer_after_minutes,
    minNoticeMinutes: rules.min_notice_minutes,
    slotIntervalMinutes: rules.slot_interval_minutes,
    bookingHorizonDays: rules.booking_horizon_days,
  },
  links: data.links.map((link) => ({
    schedule: link.schedule,
    expiresOn: link.expires_on ? new Date(link.expires_on) : null,
  })),
  version: data.version,
});

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
  const apply = async (snapshot: CalendarSnapshot) => void (await ledgers.applyCalendar(toLedger(snapshot)));
  await subscribeByType(bus, queue, { CalendarCreated: apply, ScheduleLinked: apply, ScheduleUnlinked: apply });
}
