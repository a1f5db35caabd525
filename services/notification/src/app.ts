import { createHttpApp } from '@slotkeeper/http-kit';
import type { MessageBus } from '@slotkeeper/messaging';
import type { Logger } from '@slotkeeper/observability';
import { bookingLinks } from './adapters/booking-links.js';
import { consumeEvents } from './consumers/event-consumer.js';
import type { Notifier, OwnerDirectory } from './domain/ports.js';

export interface NotificationAppDeps {
  bus: MessageBus;
  notifier: Notifier;
  /** Who owns each calendar (the calendar and user services, asked over their APIs). */
  owners: OwnerDirectory;
  /** Where the booking pages are served (`PUBLIC_BASE_URL`): the gateway's public address. */
  publicBaseUrl: string;
  /**
   * The key the booking service derives cancel tokens with (`internalKeys(…).cancelTokens`): the
   * booker's mail links to their booking with the token derived from the message's nonce.
   */
  cancelTokenKey: Buffer;
  logger: Logger;
  /** The consuming queue's name (namespaced by AMQP_PREFIX in the distributed mode). */
  queue?: string;
  health?: () => Promise<boolean>;
}

/** The notification consumer, with an HTTP app for `/health` only. */
export async function buildNotificationApp(deps: NotificationAppDeps) {
  const app = createHttpApp({ logger: deps.logger, ...(deps.health ? { health: deps.health } : {}) });
  await consumeEvents(
    deps.bus,
    {
      owners: deps.owners,
      notifier: deps.notifier,
      logger: deps.logger,
      links: bookingLinks(deps.publicBaseUrl, deps.cancelTokenKey),
    },
    deps.queue,
  );
  return app;
}
