import { internalKeys } from '@slotkeeper/auth';
import { httpUpstream, listenUntilSignal, readConfig, serviceConfig, signedUpstream } from '@slotkeeper/http-kit';
import { mongoConfig, openStore } from '@slotkeeper/mongo';
import { createLogger } from '@slotkeeper/observability';
import { UserServiceClient } from '@slotkeeper/service-clients';
import { systemClock } from '@slotkeeper/time';
import { z } from 'zod';
import { MemoryScheduleRepository } from './adapters/memory/memory-schedule-repository.js';
import { MongoScheduleRepository } from './adapters/mongo/mongo-schedule-repository.js';
import { buildScheduleApp } from './app.js';
import type { ScheduleRepository } from './domain/schedule.js';

const config = readConfig(serviceConfig.extend(mongoConfig.shape).extend({ USER_SERVICE_URL: z.url() }));
const logger = createLogger({ service: 'schedule' });
const keys = internalKeys(config.INTERNAL_AUTH_SECRET);
const asSchedule = { kind: 'service', service: 'schedule' } as const;
const db = await openStore<ScheduleRepository>(config, {
  mongo: (connection) => new MongoScheduleRepository(connection),
  memory: () => new MemoryScheduleRepository(),
});
const schedules = db.store;

const app = buildScheduleApp({
  schedules,
  userDirectory: new UserServiceClient(
    signedUpstream(httpUpstream(config.USER_SERVICE_URL), keys.identity, asSchedule),
  ),
  clock: systemClock,
  logger,
  health: async () => db.healthy(),
  identityKey: keys.identity,
});
await listenUntilSignal(app, config, () => db.close());
