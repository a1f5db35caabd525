import { listenConfig, listenUntilSignal, readConfig } from '@slotkeeper/http-kit';
import { connectMongo, isConnected } from '@slotkeeper/mongo';
import { createLogger } from '@slotkeeper/observability';
import { systemClock } from '@slotkeeper/time';
import { z } from 'zod';
import { MemoryUserRepository } from './adapters/memory/memory-user-repository.js';
import { MongoUserRepository } from './adapters/mongo/mongo-user-repository.js';
import { buildUserApp } from './app.js';

const config = readConfig(listenConfig.extend({ MONGODB_URL: z.url().optional() }));
const logger = createLogger({ service: 'user' });
const connection = config.MONGODB_URL ? await connectMongo(config.MONGODB_URL) : undefined;
const users = connection ? new MongoUserRepository(connection) : new MemoryUserRepository();
if (users instanceof MongoUserRepository) await users.init();

const app = buildUserApp({
  users,
  clock: systemClock,
  logger,
  health: async () => !connection || isConnected(connection),
});
await listenUntilSignal(app, config, async () => connection?.close());
