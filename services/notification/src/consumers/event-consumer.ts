import { eventFromWire, type Envelope, type EventResponse } from '@slotkeeper/contracts';
import { deliveryLogger, subscribeByType, type Delivery, type MessageBus } from '@slotkeeper/messaging';
import type { Logger } from '@slotkeeper/observability';
import type { Change } from '../domain/notification.js';
import { notifyOfChange, type NotifyDeps } from '../domain/notify-of-change.js';

export const NOTIFICATION_QUEUE = 'notification';

export interface ConsumerDeps extends NotifyDeps {
  logger: Logger;
}

const instant = (at: string) => new Date(at);

/** Notifies of every event change, logging under the request id the message came with. */
export async function consumeEvents(bus: MessageBus, deps: ConsumerDeps, queue = NOTIFICATION_QUEUE): Promise<void> {
  const notify = (change: Change, message: Envelope, delivery: Delivery) =>
    notifyOfChange(change, deps, {
      log: deliveryLogger(deps.logger, message, delivery),
      requestId: delivery.requestId,
    });
  // The message's type says which change it announces; its data, the version it brought the event
  // to and the nonce of the booker's cancel token (absent from older messages).
  const about = (data: EventResponse & { version: number; cancel_token_nonce?: string | undefined }) => ({
    event: eventFromWire(data, instant),
    version: data.version,
    tokenNonce: data.cancel_token_nonce,
  });
  await subscribeByType(bus, queue, {
    EventBooked: (data, message, delivery) => notify({ kind: 'booked', ...about(data) }, message, delivery),
    EventRescheduled: (data, message, delivery) =>
      notify(
        {
          kind: 'rescheduled',
          ...about(data),
          previous: { start: instant(data.previous_start_time), end: instant(data.previous_end_time) },
        },
        message,
        delivery,
      ),
    EventCanceled: (data, message, delivery) => notify({ kind: 'canceled', ...about(data) }, message, delivery),
  });
}
