import type { MessageBus } from '@slotkeeper/messaging';
import { parseMessage } from '@slotkeeper/messaging';
import type { CalendarRepository } from '../domain/calendar.js';

export const CALENDAR_QUEUE = 'calendar';

/** Keeps the events of each calendar's detail from EventBooked/EventCanceled. */
export async function consumeEvents(
  bus: MessageBus,
  calendars: CalendarRepository,
  queue = CALENDAR_QUEUE,
): Promise<void> {
  await bus.subscribe(queue, ['EventBooked', 'EventCanceled'], async (message) => {
    const event = parseMessage(message.type as 'EventBooked', message);
    await calendars.applyEvent(event);
  });
}
