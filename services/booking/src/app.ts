import { createHttpApp } from '@slotkeeper/http-kit';
import type { MessageBus } from '@slotkeeper/messaging';
import type { Logger } from '@slotkeeper/observability';
import { consumeCalendarChanges } from './consumers/calendar-consumer.js';
import type { BookingDeps } from './domain/booking-use-cases.js';
import { availabilityRoutes } from './http/availability-routes.js';
import { eventsRoutes } from './http/events-routes.js';
import { syncRoutes } from './http/sync-routes.js';

export interface BookingAppDeps extends BookingDeps {
  /** Where the calendar projections come from. */
  bus: MessageBus;
  logger: Logger;
  /** The consuming queue's name (namespaced by AMQP_PREFIX in the distributed mode). */
  queue?: string;
  health?: () => Promise<boolean>;
  /** Verifies the gateway's identity header (from INTERNAL_AUTH_SECRET). */
  identityKey: Buffer;
}

/** Builds the booking service and subscribes its consumer; never listens. */
export async function buildBookingApp(deps: BookingAppDeps) {
  const app = createHttpApp({
    logger: deps.logger,
    identityKey: deps.identityKey,
    ...(deps.health ? { health: deps.health } : {}),
  });
  eventsRoutes(app, deps);
  availabilityRoutes(app, deps);
  syncRoutes(app, deps);
  await consumeCalendarChanges(deps.bus, deps.ledgers, deps.queue);
  return app;
}
