import { createHttpApp } from '@slotkeeper/http-kit';
import type { Logger } from '@slotkeeper/observability';
import type { ScheduleLifecycleDeps } from './domain/schedule-use-cases.js';
import { schedulesRoutes } from './http/schedules-routes.js';

export interface ScheduleAppDeps extends ScheduleLifecycleDeps {
  logger: Logger;
  health?: () => Promise<boolean>;
  /** Verifies the gateway's identity header (from INTERNAL_AUTH_SECRET). */
  identityKey: Buffer;
}

export function buildScheduleApp(deps: ScheduleAppDeps) {
  const app = createHttpApp({
    logger: deps.logger,
    identityKey: deps.identityKey,
    // It asks the user and calendar services, under the request's id.
    propagateRequestId: true,
    ...(deps.health ? { health: deps.health } : {}),
  });
  schedulesRoutes(app, deps);
  return app;
}
