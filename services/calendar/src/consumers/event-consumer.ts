import { eventFromWire, type EventResponse } from '@slotkeeper/contracts';
import { subscribeByType, type MessageBus } from '@slotkeeper/messaging';
import type { CalendarDeps } from '../domain/calendar-use-cases.js';
import { applyScheduleChange, dropScheduleLinks } from '../domain/schedule-sync.js';
import { toScheduleChange } from '../http/schedule-sync-routes.js';

export const CALENDAR_QUEUE = 'calendar';

/**
 * Keeps the events of each calendar's detail from the booking service's event messages, and the
 * linked schedules from the schedule service's: each read by its own schema, each idempotent by
 * version (a repeated, late or reordered message changes nothing).
 */
export async function consumeEvents(
  bus: MessageBus,
  deps: Pick<CalendarDeps, 'calendars' | 'outbox' | 'clock' | 'schedules'>,
  queue = CALENDAR_QUEUE,
): Promise<void> {
  const apply = (event: EventResponse & { version: number }) =>
    deps.calendars.applyEvent({ ...eventFromWire(event, (at) => new Date(at)), version: event.version });
  await subscribeByType(bus, queue, {
    EventBooked: apply,
    EventCanceled: apply,
    EventRescheduled: apply,
    ScheduleUpdated: async (data) => void (await applyScheduleChange(toScheduleChange(data), deps)),
    ScheduleDeleted: async ({ availability_schedule_id }) =>
      void (await dropScheduleLinks(availability_schedule_id, deps)),
  });
}
