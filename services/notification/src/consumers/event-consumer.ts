import { eventFromWire, type Envelope, type EventResponse } from '@slotkeeper/contracts';
import { deliveryLogger, subscribeByType, type Delivery, type MessageBus } from '@slotkeeper/messaging';
import type { Logger } from '@slotkeeper/observability';
import type { ChangeKind } from '../domain/notification.js';
import { notifyOfChange, type NotifyDeps } from '../domain/notify-of-change.js';

export const NOTIFICATION_QUEUE = 'notification';

export interface ConsumerDeps extends NotifyDeps {
  logger: Logger;
}

/** Notifies of every event change, logging under the request id the message came with. */
export async function consumeEvents(bus: MessageBus, deps: ConsumerDeps, queue = NOTIFICATION_QUEUE): Promise<void> {
  // The message's type says which change it announces; EventRescheduled will be one more entry.
  const notify = (kind: ChangeKind) => (event: EventResponse, message: Envelope, delivery: Delivery) =>
    notifyOfChange({ kind, event: eventFromWire(event, (at) => new Date(at)) }, deps, {
      log: deliveryLogger(deps.logger, message, delivery),
      requestId: delivery.requestId,
    });
  await subscribeByType(bus, queue, { EventBooked: notify('booked'), EventCanceled: notify('canceled') });
}
