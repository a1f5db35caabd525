import { internalKeys } from '@slotkeeper/auth';
import { closeInOrder, listenUntilSignal, readConfig, serviceConfig, serviceUpstreams } from '@slotkeeper/http-kit';
import { busConfig, busFromConfig, OutboxRelay, type WithOutbox } from '@slotkeeper/messaging';
import { mongoConfig, openStore } from '@slotkeeper/mongo';
import { createLogger } from '@slotkeeper/observability';
import { UserServiceClient } from '@slotkeeper/service-clients';
import { systemClock } from '@slotkeeper/time';
import { z } from 'zod';
import { CalendarServiceLinks } from './adapters/calendar-links.js';
import { MemoryScheduleRepository } from './adapters/memory/memory-schedule-repository.js';
import { MongoScheduleRepository } from './adapters/mongo/mongo-schedule-repository.js';
import { buildScheduleApp } from './app.js';
import type { ScheduleRepository } from './domain/schedule.js';

const config = readConfig(
  serviceConfig
    .extend(busConfig.shape)
    .extend(mongoConfig.shape)
    .extend({ USER_SERVICE_URL: z.url(), CALENDAR_SERVICE_URL: z.url() }),
);
const logger = createLogger({ service: 'schedule' });
const keys = internalKeys(config.INTERNAL_AUTH_SECRET);
const signed = serviceUpstreams(keys.identity, 'schedule');
// Each adapter keeps its outbox beside its schedules; only the relay reads it.
const db = await openStore<ScheduleRepository & WithOutbox>(config, {
  mongo: (connection) => new MongoScheduleRepository(connection),
  memory: () => new MemoryScheduleRepository(),
});
const schedules = db.store;
const { bus } = await busFromConfig(config, logger);

const outbox = new OutboxRelay(schedules.outbox, bus, { logger });
outbox.start();

const app = buildScheduleApp({
  schedules,
  outbox,
  userDirectory: new UserServiceClient(signed(config.USER_SERVICE_URL)),
  calendars: new CalendarServiceLinks(signed(config.CALENDAR_SERVICE_URL)),
  clock: systemClock,
  logger,
  health: async () => (bus.isConnected?.() ?? true) && (await db.healthy()),
  identityKey: keys.identity,
});
await listenUntilSignal(app, config, closeInOrder(outbox, bus, db));
