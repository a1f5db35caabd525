import type { Envelope, MessageData } from '@slotkeeper/contracts';
import { deliveryLogger, type Delivery, type TypedHandlers } from '@slotkeeper/messaging';
import type { Logger } from '@slotkeeper/observability';
import { fanOut, type DeliveryDeps } from '../domain/delivery-use-cases.js';
import type { WebhookMessage } from '../domain/payload.js';
import { ownerOfCalendar, type CalendarOwners } from '../domain/webhook-use-cases.js';

/** The webhook service's queue of bus messages (namespaced by AMQP_PREFIX in the distributed mode). */
export const WEBHOOK_QUEUE = 'webhook';

export interface EventConsumerDeps extends Pick<DeliveryDeps, 'store' | 'clock' | 'queue'> {
  owners: CalendarOwners;
  logger: Logger;
}

/**
 * The handlers of the service's one subscription. Calendar messages keep the projection of who
 * owns each calendar (event messages name the calendar, not its owner), so a change is fanned out
 * without asking the calendar service, even while it is down or after the calendar was deleted.
 * For each change webhooks are told of: the owner, then `fanOut`; the message is acknowledged
 * once every delivery's job is safe on the work queue, so a crash before that hands it to another
 * instance, which queues what is missing. A calendar known neither here nor to the calendar
 * service (one created before this service ran, and deleted since) has no owner to tell: its
 * message is dropped with a line in the log.
 */
export function eventHandlers(deps: EventConsumerDeps): TypedHandlers {
  const remember = async ({ calendar_id, user_id }: { calendar_id: string; user_id: string }) =>
    deps.store.rememberOwner(calendar_id, user_id);
  const handle = async (data: MessageData<WebhookMessage['type']>, message: Envelope, delivery: Delivery) => {
    const log = deliveryLogger(deps.logger, message, delivery);
    const userId = await ownerOfCalendar(deps, data.calendar_id, { requestId: delivery.requestId });
    if (userId === null) {
      log.info({ calendarId: data.calendar_id, type: message.type }, 'calendar unknown: no webhook to tell');
      return;
    }
    const jobs = await fanOut(deps, message as WebhookMessage, userId);
    if (jobs.length > 0) log.debug({ type: message.type, deliveries: jobs.map((job) => job.id) }, 'deliveries queued');
  };
  return {
    CalendarCreated: remember,
    CalendarUpdated: remember,
    EventBooked: handle,
    EventCanceled: handle,
    EventRescheduled: handle,
  };
}
