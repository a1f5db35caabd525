import { createHttpApp } from '@slotkeeper/http-kit';
import type { Logger } from '@slotkeeper/observability';
import type { Clock } from '@slotkeeper/time';
import type { UserRepository } from './domain/user.js';
import { usersRoutes } from './http/users-routes.js';

export interface UserAppDeps {
  users: UserRepository;
  clock: Clock;
  logger: Logger;
  health?: () => Promise<boolean>;
  /** Verifies the gateway's identity header (from INTERNAL_AUTH_SECRET). */
  identityKey: Buffer;
}

/** Builds the user service; never listens (main.ts does). */
export function buildUserApp(deps: UserAppDeps) {
  const app = createHttpApp({
    logger: deps.logger,
    identityKey: deps.identityKey,
    ...(deps.health ? { health: deps.health } : {}),
  });
  usersRoutes(app, deps);
  return app;
}
