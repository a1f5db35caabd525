import { parseMessage, type MessageBus } from '@slotkeeper/messaging';
import { notificationFor, type Notifier } from '../domain/notification.js';

export const NOTIFICATION_QUEUE = 'notification';

export async function consumeEvents(bus: MessageBus, notifier: Notifier, queue = NOTIFICATION_QUEUE): Promise<void> {
  await bus.subscribe(queue, ['EventBooked', 'EventCanceled'], async (message) => {
    const kind = message.type === 'EventBooked' ? 'booked' : 'canceled';
    await notifier.send(notificationFor(kind, parseMessage('EventBooked', message)));
  });
}
