import { internalKeys } from '@slotkeeper/auth';
import { closeInOrder, listenUntilSignal, readConfig, serviceConfig, serviceUpstreams } from '@slotkeeper/http-kit';
import { busConfig, busFromConfig, OutboxRelay, type WithOutbox } from '@slotkeeper/messaging';
import { mongoConfig, openStore } from '@slotkeeper/mongo';
import { createLogger } from '@slotkeeper/observability';
import { ScheduleServiceClient, UserServiceClient } from '@slotkeeper/service-clients';
import { systemClock } from '@slotkeeper/time';
import { z } from 'zod';
import { MemoryCalendarRepository } from './adapters/memory/memory-calendar-repository.js';
import { BookingServiceSync } from './adapters/booking-sync.js';
import { MongoCalendarRepository } from './adapters/mongo/mongo-calendar-repository.js';
import { buildCalendarApp } from './app.js';
import type { CalendarRepository } from './domain/calendar.js';

const config = readConfig(
  serviceConfig
    .extend(busConfig.shape)
    .extend(mongoConfig.shape)
    .extend({ USER_SERVICE_URL: z.url(), SCHEDULE_SERVICE_URL: z.url(), BOOKING_SERVICE_URL: z.url() }),
);
const logger = createLogger({ service: 'calendar' });
const keys = internalKeys(config.INTERNAL_AUTH_SECRET);
const signed = serviceUpstreams(keys.identity, 'calendar');
// Each adapter keeps its outbox beside its calendars; only the relay reads it.
const db = await openStore<CalendarRepository & WithOutbox>(config, {
  mongo: (connection) => new MongoCalendarRepository(connection),
  memory: () => new MemoryCalendarRepository(),
});
const calendars = db.store;
const { bus, queue } = await busFromConfig(config, logger);

const outbox = new OutboxRelay(calendars.outbox, bus, { logger });
outbox.start();

const app = await buildCalendarApp({
  calendars,
  outbox,
  schedules: new ScheduleServiceClient(signed(config.SCHEDULE_SERVICE_URL)),
  users: new UserServiceClient(signed(config.USER_SERVICE_URL)),
  bookings: new BookingServiceSync(signed(config.BOOKING_SERVICE_URL)),
  bus,
  clock: systemClock,
  logger,
  queue: queue('calendar'),
  health: async () => (bus.isConnected?.() ?? true) && (await db.healthy()),
  identityKey: keys.identity,
});
await listenUntilSignal(app, config, closeInOrder(outbox, bus, db));
