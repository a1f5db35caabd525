import type { Envelope, MessageData } from '@slotkeeper/contracts';
import { deliveryLogger, type Delivery, type TypedHandlers } from '@slotkeeper/messaging';
import type { Logger } from '@slotkeeper/observability';
import { fanOut, type DeliveryDeps } from '../domain/delivery-use-cases.js';
import type { WebhookMessage } from '../domain/payload.js';
import type { CalendarOwners } from '../domain/webhook-use-cases.js';

/** The webhook service's queue of bus messages (namespaced by AMQP_PREFIX in the distributed mode). */
export const WEBHOOK_QUEUE = 'webhook';

export interface EventConsumerDeps extends Pick<DeliveryDeps, 'store' | 'clock' | 'queue'> {
  owners: CalendarOwners;
  logger: Logger;
}

/**
 * The handlers of the changes webhooks are told of: the calendar's owner (event messages name the
 * calendar), then `fanOut`. The message is acknowledged once every delivery's job is safe on the
 * work queue, so a crash before that hands the message to another instance, which queues what is
 * missing. A calendar that no longer exists (deleted while its last messages travelled) has no
 * owner to tell: those messages are dropped with a line in the log.
 */
export function eventHandlers(deps: EventConsumerDeps): TypedHandlers {
  const handle = async (data: MessageData<WebhookMessage['type']>, message: Envelope, delivery: Delivery) => {
    const log = deliveryLogger(deps.logger, message, delivery);
    const userId = await deps.owners.ownerOf(data.calendar_id, { requestId: delivery.requestId });
    if (userId === null) {
      log.info({ calendarId: data.calendar_id, type: message.type }, 'calendar gone: no webhook to tell');
      return;
    }
    const jobs = await fanOut(deps, message as WebhookMessage, userId);
    if (jobs.length > 0) log.debug({ type: message.type, deliveries: jobs.map((job) => job.id) }, 'deliveries queued');
  };
  return { EventBooked: handle, EventCanceled: handle, EventRescheduled: handle };
}
