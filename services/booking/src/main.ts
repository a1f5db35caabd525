import { internalKeys } from '@slotkeeper/auth';
import { closeInOrder, listenUntilSignal, readConfig, serviceConfig } from '@slotkeeper/http-kit';
import { busConfig, busFromConfig, OutboxRelay, type WithOutbox } from '@slotkeeper/messaging';
import { mongoConfig, openStore } from '@slotkeeper/mongo';
import { createLogger } from '@slotkeeper/observability';
import { systemClock } from '@slotkeeper/time';
import { MemoryLedgerRepository } from './adapters/memory/memory-ledger-repository.js';
import { MongoLedgerRepository } from './adapters/mongo/mongo-ledger-repository.js';
import { buildBookingApp } from './app.js';
import { CalendarSerializer } from './domain/calendar-serializer.js';
import type { LedgerRepository } from './domain/ledger.js';

const config = readConfig(serviceConfig.extend(busConfig.shape).extend(mongoConfig.shape));
const logger = createLogger({ service: 'booking' });
const keys = internalKeys(config.INTERNAL_AUTH_SECRET);
// Each adapter keeps its outbox beside its ledgers; only the relay reads it.
const db = await openStore<LedgerRepository & WithOutbox>(config, {
  mongo: (connection) => new MongoLedgerRepository(connection),
  memory: () => new MemoryLedgerRepository(),
});
const ledgers = db.store;
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
  health: async () => (bus.isConnected?.() ?? true) && (await db.healthy()),
  identityKey: keys.identity,
  cancelTokenKey: keys.cancelTokens,
});
await listenUntilSignal(app, config, closeInOrder(outbox, bus, db));
