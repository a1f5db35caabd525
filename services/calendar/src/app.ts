import { createHttpApp } from '@slotkeeper/http-kit';
import type { MessageBus } from '@slotkeeper/messaging';
import type { Logger } from '@slotkeeper/observability';
import { RecentUsers } from './adapters/recent-users.js';
import { ScheduleServiceDirectory, type ScheduleSource } from './adapters/schedule-directory.js';
import { consumeEvents } from './consumers/event-consumer.js';
import type { CalendarDeps } from './domain/calendar-use-cases.js';
import { calendarsRoutes } from './http/calendars-routes.js';
import { ownerRoutes } from './http/owner-routes.js';
import { scheduleSyncRoutes } from './http/schedule-sync-routes.js';

export interface CalendarAppDeps extends Omit<CalendarDeps, 'schedules'> {
  /** The schedule service's API client; its answers reach the domain as its own schedules. */
  schedules: ScheduleSource;
  /** Where the events projection comes from. */
  bus: MessageBus;
  logger: Logger;
  /** The consuming queue's name (namespaced by AMQP_PREFIX in the distributed mode). */
  queue?: string;
  health?: () => Promise<boolean>;
  /** Verifies the gateway's identity header (from INTERNAL_AUTH_SECRET). */
  identityKey: Buffer;
}

/** Builds the calendar service and subscribes its consumer; never listens. */
export async function buildCalendarApp(deps: CalendarAppDeps) {
  const app = createHttpApp({
    logger: deps.logger,
    identityKey: deps.identityKey,
    // It asks the user and schedule services, under the request's id.
    propagateRequestId: true,
    ...(deps.health ? { health: deps.health } : {}),
  });
  const domainDeps: CalendarDeps = {
    ...deps,
    schedules: new ScheduleServiceDirectory(deps.schedules),
    // Owners' names and zones for public booking pages: at most 2 s old.
    users: new RecentUsers(deps.users),
  };
  calendarsRoutes(app, domainDeps);
  scheduleSyncRoutes(app, domainDeps);
  ownerRoutes(app, domainDeps);
  await consumeEvents(deps.bus, domainDeps, deps.queue);
  return app;
}
