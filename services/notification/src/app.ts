import { createHttpApp } from '@slotkeeper/http-kit';
import type { MessageBus } from '@slotkeeper/messaging';
import type { Logger } from '@slotkeeper/observability';
import { consumeEvents } from './consumers/event-consumer.js';
import type { Notifier } from './domain/notification.js';

export interface NotificationAppDeps {
  bus: MessageBus;
  notifier: Notifier;
  logger: Logger;
  /** The consuming queue's name (namespaced by AMQP_PREFIX in the distributed mode). */
  queue?: string;
  health?: () => Promise<boolean>;
}

/** The notification consumer, with an HTTP app for `/health` only. */
export async function buildNotificationApp(deps: NotificationAppDeps) {
  const app = createHttpApp({ logger: deps.logger, ...(deps.health ? { health: deps.health } : {}) });
  await consumeEvents(deps.bus, deps.notifier, deps.queue);
  return app;
}
