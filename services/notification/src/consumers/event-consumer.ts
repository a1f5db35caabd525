import type { Envelope, EventResponse } from '@slotkeeper/contracts';
import { deliveryLogger, subscribeByType, type Delivery, type MessageBus } from '@slotkeeper/messaging';
import type { Logger } from '@slotkeeper/observability';
import type { Change, ChangeKind } from '../domain/notification.js';
import { notifyOfChange, type NotifyDeps } from '../domain/notify-of-change.js';

export const NOTIFICATION_QUEUE = 'notification';

export interface ConsumerDeps extends NotifyDeps {
  logger: Logger;
}

const toChange = (kind: ChangeKind, event: EventResponse): Change => ({
  kind,
  event: {
    id: event.id,
    calendarId: event.calendar_id,
    title: event.title,
    start: new Date(event.start_time),
    end: new Date(event.end_time),
    bookedBy: event.booked_by,
    bookerName: event.booker_name,
    guests: event.guests,
  },
});

/** Notifies of every event change, logging under the request id the message came with. */
export async function consumeEvents(bus: MessageBus, deps: ConsumerDeps, queue = NOTIFICATION_QUEUE): Promise<void> {
  // The message's type says which change it announces; EventRescheduled will be one more entry.
  const notify = (kind: ChangeKind) => (event: EventResponse, message: Envelope, delivery: Delivery) =>
    notifyOfChange(toChange(kind, event), deps, {
      log: deliveryLogger(deps.logger, message, delivery),
      requestId: delivery.requestId,
    });
  await subscribeByType(bus, queue, { EventBooked: notify('booked'), EventCanceled: notify('canceled') });
}
