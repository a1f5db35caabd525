import { listenConfig, listenUntilSignal, readConfig } from '@slotkeeper/http-kit';
import { busConfig, busFromConfig, OutboxRelay } from '@slotkeeper/messaging';
import { connectMongo, isConnected } from '@slotkeeper/mongo';
import { createLogger } from '@slotkeeper/observability';
import { systemClock } from '@slotkeeper/time';
import { z } from 'zod';
import { MemoryLedgerRepository } from './adapters/memory/memory-ledger-repository.js';
import { MongoLedgerRepository } from './adapters/mongo/mongo-ledger-repository.js';
import { buildBookingApp } from './app.js';
import { CalendarSerializer } from './domain/calendar-serializer.js';

const config = readConfig(listenConfig.extend(busConfig.shape).extend({ MONGODB_URL: z.url().optional() }));
const logger = createLogger({ service: 'booking' });
const connection = config.MONGODB_URL ? await connectMongo(config.MONGODB_URL) : undefined;
const ledgers = connection ? new MongoLedgerRepository(connection) : new MemoryLedgerRepository();
if (ledgers instanceof MongoLedgerRepository) await ledgers.init();
const { bus, queue } = await busFromConfig(config, logger);

const outbox = new OutboxRelay(ledgers.outbox, bus, { logger });
outbox.start();

const app = await buildBookingApp({
  ledgers,
  outbox,
  bus,
  clock: systemClock,
  serializer: new CalendarSerializer(),
  logger,
  queue: queue('booking'),
  health: async () => (!connection || isConnected(connection)) && (bus.isConnected?.() ?? true),
});
await listenUntilSignal(app, config, async () => {
  outbox.stop();
  await bus.close();
  await connection?.close();
});
