import { internalKeys } from '@slotkeeper/auth';
import { closeInOrder, listenUntilSignal, readConfig, serviceUpstreams } from '@slotkeeper/http-kit';
import { busFromConfig } from '@slotkeeper/messaging';
import { openStore } from '@slotkeeper/mongo';
import { createLogger } from '@slotkeeper/observability';
import { SecretBox } from '@slotkeeper/secret-box';
import { CalendarServiceClient } from '@slotkeeper/service-clients';
import { systemClock } from '@slotkeeper/time';
import type { Connection } from 'mongoose';
import { calendarServiceOwners } from './adapters/calendar-owners.js';
import { DELIVERY_QUEUE } from './adapters/delivery-worker.js';
import { webhookClient } from './adapters/http-delivery.js';
import { MemoryWebhookStore } from './adapters/memory/memory-webhook-store.js';
import { MongoWebhookStore } from './adapters/mongo/mongo-webhook-store.js';
import { buildWebhookApp } from './app.js';
import { webhookConfig } from './config.js';
import { WEBHOOK_QUEUE } from './consumers/event-consumer.js';
import type { WebhookStore } from './domain/ports.js';

const config = readConfig(webhookConfig);
const logger = createLogger({ service: 'webhook' });
const keys = internalKeys(config.INTERNAL_AUTH_SECRET);
const signed = serviceUpstreams(keys.identity, 'webhook');
const db = await openStore<WebhookStore>(config, {
  mongo: (connection: Connection) => new MongoWebhookStore(connection),
  memory: () => new MemoryWebhookStore(),
});
const { bus, queue } = await busFromConfig(config, logger);
const client = webhookClient(config.ALLOW_PRIVATE_URLS);

const app = await buildWebhookApp({
  store: db.store,
  owners: calendarServiceOwners(new CalendarServiceClient(signed(config.CALENDAR_SERVICE_URL))),
  secrets: new SecretBox(config.SECRET_KEYS),
  client,
  allowPrivateUrls: config.ALLOW_PRIVATE_URLS,
  bus,
  clock: systemClock,
  logger,
  queues: { events: queue(WEBHOOK_QUEUE), deliveries: queue(DELIVERY_QUEUE) },
  retryDelaysMs: config.WEBHOOK_RETRY_DELAYS,
  health: async () => (bus.isConnected?.() ?? true) && (await db.healthy()),
  identityKey: keys.identity,
});
await listenUntilSignal(app, config, closeInOrder(bus, client, db));
