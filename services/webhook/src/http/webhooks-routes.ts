import { apiRoutes, type WebhookDeliveryResponse, type WebhookResponse } from '@slotkeeper/contracts';
import { renderIn, serveRoute, type HttpApp } from '@slotkeeper/http-kit';
import type { Delivery } from '../domain/delivery.js';
import {
  createWebhook,
  deleteWebhook,
  listDeliveries,
  listWebhooks,
  type WebhookDeps,
} from '../domain/webhook-use-cases.js';
import type { WebhookSubscription } from '../domain/webhook.js';

/** A webhook as the contract shows it: never its secret (the 201 adds it, once). */
export const toWebhookResponse = (webhook: WebhookSubscription): WebhookResponse => ({
  id: webhook.id,
  url: webhook.url,
  events: webhook.events,
  calendar_ids: webhook.calendarIds,
  created_at: renderIn()(webhook.createdAt),
});

/** A delivery as the log shows it: never its body, nor why it failed beyond the status. */
export const toDeliveryResponse = (delivery: Delivery): WebhookDeliveryResponse => {
  const render = renderIn();
  return {
    id: delivery.id,
    type: delivery.type,
    event_id: delivery.eventId,
    status: delivery.status,
    attempts: delivery.attempts,
    last_status_code: delivery.lastStatusCode,
    next_attempt_at: delivery.nextAttemptAt ? render(delivery.nextAttemptAt) : null,
    created_at: render(delivery.createdAt),
  };
};

export function webhooksRoutes(app: HttpApp, deps: WebhookDeps): void {
  serveRoute(app, apiRoutes.createWebhook, async (request, reply) => {
    const { url, events, calendar_ids } = request.body;
    const { webhook, secret } = await createWebhook(
      request.principal,
      request.params.user_id,
      { url, events, calendarIds: calendar_ids },
      deps,
      { requestId: request.id },
    );
    return reply.code(201).send({ ...toWebhookResponse(webhook), secret });
  });

  serveRoute(app, apiRoutes.listWebhooks, async (request) =>
    (await listWebhooks(request.principal, request.params.user_id, deps)).map(toWebhookResponse),
  );

  serveRoute(app, apiRoutes.deleteWebhook, async (request, reply) => {
    await deleteWebhook(request.principal, request.params.user_id, request.params.webhook_id, deps);
    return reply.code(204).send(null);
  });

  serveRoute(app, apiRoutes.listWebhookDeliveries, async (request) =>
    (await listDeliveries(request.principal, request.params.user_id, request.params.webhook_id, deps)).map(
      toDeliveryResponse,
    ),
  );
}
