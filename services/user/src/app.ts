import { apiKeys } from '@slotkeeper/auth';
import { createHttpApp } from '@slotkeeper/http-kit';
import { InProcessBus, OutboxRelay, type MessageBus, type WithOutbox } from '@slotkeeper/messaging';
import type { Logger } from '@slotkeeper/observability';
import type { UserRepository } from './domain/user.js';
import type { UserDeps } from './domain/user-use-cases.js';
import { usersRoutes } from './http/users-routes.js';

export interface UserAppDeps extends Omit<UserDeps, 'apiKeys' | 'outbox' | 'users'> {
  /** The users, and the outbox their key rotations are announced through. */
  users: UserRepository & WithOutbox;
  /**
   * Where ApiKeyRotated goes: every gateway instance hears it and forgets the old key. Without
   * one (tests of the service alone) an in-process bus nobody listens to: the outbox still empties.
   */
  bus?: MessageBus;
  logger: Logger;
  health?: () => Promise<boolean>;
  /** Verifies the gateway's identity header (from INTERNAL_AUTH_SECRET). */
  identityKey: Buffer;
}

/**
 * Builds the user service, with the auth package's api keys as the domain's port and a relay
 * publishing its outbox (after each write, and a sweep for what a crash or an outage left); the
 * relay stops, its flushes drained, when the app closes. Never listens (main.ts does).
 */
export function buildUserApp(given: UserAppDeps) {
  const bus = given.bus ?? new InProcessBus({ logger: given.logger });
  const outbox = new OutboxRelay(given.users.outbox, bus, { logger: given.logger });
  const deps = { ...given, apiKeys, outbox };
  const app = createHttpApp({
    logger: deps.logger,
    identityKey: deps.identityKey,
    ...(deps.health ? { health: deps.health } : {}),
  });
  usersRoutes(app, deps);
  outbox.start();
  app.addHook('onClose', () => outbox.close());
  return app;
}
