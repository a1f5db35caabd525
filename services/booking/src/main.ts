import { internalKeys } from '@slotkeeper/auth';
import { closeInOrder, listenUntilSignal, readConfig, serviceConfig } from '@slotkeeper/http-kit';
import { busConfig, busFromConfig, OutboxRelay, type WithOutbox } from '@slotkeeper/messaging';
import { mongoConfig, openStore, withStoreErrors } from '@slotkeeper/mongo';
import { createLogger } from '@slotkeeper/observability';
import { systemClock } from '@slotkeeper/time';
import { MemoryBusyTimesRepository } from './adapters/memory/memory-busy-times-repository.js';
import { MemoryLedgerRepository } from './adapters/memory/memory-ledger-repository.js';
import { MongoBusyTimesRepository } from './adapters/mongo/mongo-busy-times-repository.js';
import { MongoLedgerRepository } from './adapters/mongo/mongo-ledger-repository.js';
import { buildBookingApp } from './app.js';
import type { BusyTimesRepository } from './domain/busy-times.js';
import { CalendarSerializer } from './domain/calendar-serializer.js';
import type { LedgerRepository } from './domain/ledger.js';

const config = readConfig(serviceConfig.extend(busConfig.shape).extend(mongoConfig.shape));
const logger = createLogger({ service: 'booking' });
const keys = internalKeys(config.INTERNAL_AUTH_SECRET);
// Each adapter keeps its outbox beside its ledgers; only the relay reads it.
let mongoBusyTimes: MongoBusyTimesRepository | undefined;
const db = await openStore<LedgerRepository & WithOutbox>(config, {
  mongo: (connection) => {
    mongoBusyTimes = new MongoBusyTimesRepository(connection);
    return new MongoLedgerRepository(connection);
  },
  memory: () => new MemoryLedgerRepository(),
});
// The busy times on the ledgers' connection, bounded and reported like them; or in this process.
await mongoBusyTimes?.init();
const busyTimes: BusyTimesRepository = mongoBusyTimes
  ? withStoreErrors(mongoBusyTimes, config.MONGODB_TIMEOUT_MS)
  : new MemoryBusyTimesRepository();
const ledgers = db.store;
const { bus, queue } = await busFromConfig(config, logger);

const outbox = new OutboxRelay(ledgers.outbox, bus, { logger });
outbox.start();

const app = await buildBookingApp({
  ledgers,
  busyTimes,
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
