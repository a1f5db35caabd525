import type { Envelope } from '@slotkeeper/contracts';
import { deliveryLogger, parseMessage, type MessageBus } from '@slotkeeper/messaging';
import type { Logger } from '@slotkeeper/observability';
import type { Change } from '../domain/notification.js';
import { notifyOfChange, type NotifyDeps } from '../domain/notify-of-change.js';

export const NOTIFICATION_QUEUE = 'notification';

/** Each consumed message type and the change it announces; EventRescheduled will be one more. */
const CHANGE_OF = {
  EventBooked: (message: Envelope): Change => ({ kind: 'booked', event: parseMessage('EventBooked', message) }),
  EventCanceled: (message: Envelope): Change => ({ kind: 'canceled', event: parseMessage('EventCanceled', message) }),
} as const;
const TYPES = Object.keys(CHANGE_OF) as Array<keyof typeof CHANGE_OF>;

export interface ConsumerDeps extends NotifyDeps {
  logger: Logger;
}

/** Notifies of every event change, logging under the request id the message came with. */
export async function consumeEvents(bus: MessageBus, deps: ConsumerDeps, queue = NOTIFICATION_QUEUE): Promise<void> {
  await bus.subscribe(queue, TYPES, async (message, delivery) => {
    const type = TYPES.find((known) => known === message.type);
    if (!type) throw new Error(`not a message this queue binds: ${message.type}`);
    const log = deliveryLogger(deps.logger, message, delivery);
    await notifyOfChange(CHANGE_OF[type](message), deps, { log, requestId: delivery.requestId });
  });
}
