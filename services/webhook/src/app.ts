import { createHttpApp } from '@slotkeeper/http-kit';
import { subscribeByType, type MessageBus, type WorkQueues } from '@slotkeeper/messaging';
import type { Logger } from '@slotkeeper/observability';
import { outboundUrlPolicy, type OutboundClient, type UrlPolicy } from '@slotkeeper/outbound-http';
import type { Clock } from '@slotkeeper/time';
import { consumeDeliveries, DELIVERY_QUEUE, deliveryQueue } from './adapters/delivery-worker.js';
import { httpSender } from './adapters/http-delivery.js';
import { generateWebhookSecret } from './adapters/signer.js';
import { eventHandlers, WEBHOOK_QUEUE } from './consumers/event-consumer.js';
import type { DeliveryDeps } from './domain/delivery-use-cases.js';
import type { WebhookStore } from './domain/ports.js';
import { DEFAULT_WEBHOOK_RETRY_DELAYS_MS } from './domain/retry-schedule.js';
import type { CalendarOwners, WebhookDeps } from './domain/webhook-use-cases.js';
import type { SecretSealer } from './domain/webhook.js';
import { webhooksRoutes } from './http/webhooks-routes.js';

export interface WebhookAppDeps {
  store: WebhookStore;
  /** Who owns a calendar (the calendar service, cached). */
  owners: CalendarOwners;
  /** Seals the signing secrets (SECRET_KEYS); a `SecretBox`. */
  secrets: SecretSealer;
  /** POSTs the deliveries: `webhookClient(ALLOW_PRIVATE_URLS)`, SSRF-safe, no redirects, a deadline. */
  client: OutboundClient;
  /** ALLOW_PRIVATE_URLS: whether webhook URLs may name loopback, private and link-local addresses. */
  allowPrivateUrls: boolean;
  /** Replaces the URL rule built from `allowPrivateUrls` (tests that stand in for the internet). */
  urls?: UrlPolicy;
  /** The bus the event messages come from, and the work queue deliveries wait on. */
  bus: MessageBus & WorkQueues;
  clock: Clock;
  logger: Logger;
  /** The names of the two queues (namespaced by AMQP_PREFIX in the distributed mode). */
  queues?: { events: string; deliveries: string };
  /** WEBHOOK_RETRY_DELAYS: the waits between attempts. */
  retryDelaysMs?: readonly number[];
  /** Attempts one instance has under way at once (64). */
  concurrency?: number;
  /** Attempts one instance has under way at once for one webhook (8). */
  attemptsPerWebhook?: number;
  health?: () => Promise<boolean>;
  /** Verifies the gateway's identity header (from INTERNAL_AUTH_SECRET). */
  identityKey: Buffer;
}

/**
 * Builds the webhook service: the owner routes under `/api/user/users/{id}/webhooks`, the consumer
 * of the event messages (which records each matching webhook's delivery and queues its first
 * attempt) and the worker of the deliveries' work queue (which attempts, and queues retries on the
 * broker's delay queues). Never listens.
 */
export async function buildWebhookApp(deps: WebhookAppDeps) {
  const app = createHttpApp({
    logger: deps.logger,
    identityKey: deps.identityKey,
    // It asks the calendar service, under the request's id.
    propagateRequestId: true,
    ...(deps.health ? { health: deps.health } : {}),
  });
  const retryDelaysMs = deps.retryDelaysMs ?? DEFAULT_WEBHOOK_RETRY_DELAYS_MS;
  const queues = deps.queues ?? { events: WEBHOOK_QUEUE, deliveries: DELIVERY_QUEUE };
  const deliveryDeps: DeliveryDeps = {
    store: deps.store,
    queue: deliveryQueue(deps.bus, queues.deliveries),
    secrets: deps.secrets,
    sender: httpSender(deps.client),
    clock: deps.clock,
    retryDelaysMs,
  };
  const webhookDeps: WebhookDeps = {
    store: deps.store,
    secrets: deps.secrets,
    owners: deps.owners,
    urls: deps.urls ?? outboundUrlPolicy(deps.allowPrivateUrls),
    clock: deps.clock,
    newSecret: generateWebhookSecret,
    retryDelaysMs,
  };
  webhooksRoutes(app, webhookDeps);
  // The work queue is declared before the first event can queue to it.
  await consumeDeliveries(
    deps.bus,
    queues.deliveries,
    deliveryDeps,
    deps.logger.child({ component: 'webhook-delivery' }),
    {
      ...(deps.concurrency !== undefined && { concurrency: deps.concurrency }),
      ...(deps.attemptsPerWebhook !== undefined && { perWebhook: deps.attemptsPerWebhook }),
    },
  );
  await subscribeByType(
    deps.bus,
    queues.events,
    eventHandlers({ ...deliveryDeps, owners: deps.owners, logger: deps.logger }),
  );
  return app;
}
