import { httpUpstream, listenConfig, listenUntilSignal, readConfig } from '@slotkeeper/http-kit';
import { connectMongo, isConnected } from '@slotkeeper/mongo';
import { createLogger } from '@slotkeeper/observability';
import { UserServiceClient } from '@slotkeeper/service-clients';
import { systemClock } from '@slotkeeper/time';
import { z } from 'zod';
import { MemoryScheduleRepository } from './adapters/memory/memory-schedule-repository.js';
import { MongoScheduleRepository } from './adapters/mongo/mongo-schedule-repository.js';
import { buildScheduleApp } from './app.js';

const config = readConfig(listenConfig.extend({ MONGODB_URL: z.url().optional(), USER_SERVICE_URL: z.url() }));
const logger = createLogger({ service: 'schedule' });
const connection = config.MONGODB_URL ? await connectMongo(config.MONGODB_URL) : undefined;
const schedules = connection ? new MongoScheduleRepository(connection) : new MemoryScheduleRepository();
if (schedules instanceof MongoScheduleRepository) await schedules.init();

const app = buildScheduleApp({
  schedules,
  userDirectory: new UserServiceClient(httpUpstream(config.USER_SERVICE_URL)),
  clock: systemClock,
  logger,
  health: async () => !connection || isConnected(connection),
});
await listenUntilSignal(app, config, async () => connection?.close());
