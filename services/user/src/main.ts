import { internalKeys } from '@slotkeeper/auth';
import { listenUntilSignal, readConfig, serviceConfig } from '@slotkeeper/http-kit';
import { mongoConfig, openStore } from '@slotkeeper/mongo';
import { createLogger } from '@slotkeeper/observability';
import { systemClock } from '@slotkeeper/time';
import { MemoryUserRepository } from './adapters/memory/memory-user-repository.js';
import { MongoUserRepository } from './adapters/mongo/mongo-user-repository.js';
import { buildUserApp } from './app.js';
import type { UserRepository } from './domain/user.js';

const config = readConfig(serviceConfig.extend(mongoConfig.shape));
const logger = createLogger({ service: 'user' });
const db = await openStore<UserRepository>(config, {
  mongo: (connection) => new MongoUserRepository(connection),
  memory: () => new MemoryUserRepository(),
});
const users = db.store;

const app = buildUserApp({
  users,
  clock: systemClock,
  logger,
  health: async () => db.healthy(),
  identityKey: internalKeys(config.INTERNAL_AUTH_SECRET).identity,
});
await listenUntilSignal(app, config, () => db.close());
