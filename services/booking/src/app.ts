import { createHttpApp } from '@slotkeeper/http-kit';
import type { MessageBus } from '@slotkeeper/messaging';
import type { Logger } from '@slotkeeper/observability';
import { platformPorts, type PlatformPorts } from './adapters/platform/platform-ports.js';
import { consumeCalendarChanges } from './consumers/calendar-consumer.js';
import type { BookingDeps } from './domain/booking-use-cases.js';
import { availabilityRoutes } from './http/availability-routes.js';
import { eventsRoutes } from './http/events-routes.js';
import { syncRoutes } from './http/sync-routes.js';

/** The use cases' dependencies without the platform's ports, which `bookingDeps` adds. */
export type BookingBaseDeps = Omit<BookingDeps, keyof PlatformPorts> & {
  /** Derives cancel tokens (from INTERNAL_AUTH_SECRET). */
  cancelTokenKey: Buffer;
};

/** The use cases' dependencies: the ones given, and the platform's ports (crypto, the event loop). */
export function bookingDeps<T extends BookingBaseDeps>(base: T): T & BookingDeps {
  return { ...base, ...platformPorts(base.cancelTokenKey) };
}

export interface BookingAppDeps extends BookingBaseDeps {
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
export async function buildBookingApp(given: BookingAppDeps) {
  const deps = bookingDeps(given);
  const app = createHttpApp({
    logger: deps.logger,
    identityKey: deps.identityKey,
    ...(deps.health ? { health: deps.health } : {}),
  });
  eventsRoutes(app, deps);
  availabilityRoutes(app, deps);
  syncRoutes(app, deps);
  await consumeCalendarChanges(deps.bus, deps, deps.queue);
  return app;
}
