import { apiKeys } from '@slotkeeper/auth';
import { createHttpApp } from '@slotkeeper/http-kit';
import type { Logger } from '@slotkeeper/observability';
import type { UserDeps } from './domain/user-use-cases.js';
import { usersRoutes } from './http/users-routes.js';

export interface UserAppDeps extends Omit<UserDeps, 'apiKeys'> {
  logger: Logger;
  health?: () => Promise<boolean>;
  /** Verifies the gateway's identity header (from INTERNAL_AUTH_SECRET). */
  identityKey: Buffer;
}

/** Builds the user service, with the auth package's api keys as the domain's port; never listens (main.ts does). */
export function buildUserApp(given: UserAppDeps) {
  const deps = { ...given, apiKeys };
  const app = createHttpApp({
    logger: deps.logger,
    identityKey: deps.identityKey,
    ...(deps.health ? { health: deps.health } : {}),
  });
  usersRoutes(app, deps);
  return app;
}
