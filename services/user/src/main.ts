import { internalKeys } from '@slotkeeper/auth';
import { listenUntilSignal, readConfig, serviceConfig } from '@slotkeeper/http-kit';
import { busConfig, busFromConfig, type WithOutbox } from '@slotkeeper/messaging';
import { mongoConfig, openStore } from '@slotkeeper/mongo';
import { createLogger } from '@slotkeeper/observability';
import { systemClock } from '@slotkeeper/time';
import { MemoryUserRepository } from './adapters/memory/memory-user-repository.js';
import { MongoUserRepository } from './adapters/mongo/mongo-user-repository.js';
import { buildUserApp } from './app.js';
import type { UserRepository } from './domain/user.js';

const config = readConfig(serviceConfig.extend(busConfig.shape).extend(mongoConfig.shape));
const logger = createLogger({ service: 'user' });
// Each adapter keeps its outbox beside its users; only the relay reads it.
const db = await openStore<UserRepository & WithOutbox>(config, {
  mongo: (connection) => new MongoUserRepository(connection),
  memory: () => new MemoryUserRepository(),
});
// RabbitMQ when AMQP_URL is set: ApiKeyRotated reaches every gateway instance. Without it the
// in-process bus reaches nobody, and other gateways trust a replaced key for their cache's 30 s.
const { bus } = await busFromConfig(config, logger);

const app = buildUserApp({
  users: db.store,
  bus,
  clock: systemClock,
  logger,
  health: async () => (bus.isConnected?.() ?? true) && (await db.healthy()),
  identityKey: internalKeys(config.INTERNAL_AUTH_SECRET).identity,
});
// The app's close drains the relay's flushes first, while the bus is still open.
await listenUntilSignal(app, config, async () => {
  await bus.close();
  await db.close();
});
