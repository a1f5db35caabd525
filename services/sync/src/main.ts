import { internalKeys } from '@slotkeeper/auth';
import { closeInOrder, listenUntilSignal, readConfig, serviceUpstreams } from '@slotkeeper/http-kit';
import { busFromConfig, OutboxRelay, type WithOutbox } from '@slotkeeper/messaging';
import { openStore, withStoreErrors } from '@slotkeeper/mongo';
import { createLogger } from '@slotkeeper/observability';
import { SecretBox } from '@slotkeeper/secret-box';
import { systemClock } from '@slotkeeper/time';
import type { Connection } from 'mongoose';
import { BookingServiceBusySync } from './adapters/booking-busy-sync.js';
import { CalendarServiceOwners } from './adapters/calendar-owners.js';
import { MemorySourceRepository } from './adapters/memory/memory-source-repository.js';
import { MongoSourceRepository } from './adapters/mongo/mongo-source-repository.js';
import { syncOutboundClient } from './adapters/outbound-client.js';
import { buildSyncApp } from './app.js';
import { syncConfig } from './config.js';
import type { SourceRepository } from './domain/busy-source.js';
import { MemoryOutboundRepository, MongoOutboundRepository, type OutboundRepository } from './outbound/index.js';

const config = readConfig(syncConfig);
const logger = createLogger({ service: 'sync' });
const keys = internalKeys(config.INTERNAL_AUTH_SECRET);
const signed = serviceUpstreams(keys.identity, 'sync');
// The two halves' stores on one connection; the busy sources' outbox beside them, read by the relay.
const db = await openStore<{ sources: SourceRepository & WithOutbox; outbound: OutboundRepository }>(config, {
  mongo: (connection: Connection) => {
    const sources = new MongoSourceRepository(connection);
    const outbound = new MongoOutboundRepository(connection);
    return { sources, outbound, init: async () => void (await Promise.all([sources.init(), outbound.init()])) };
  },
  memory: () => ({ sources: new MemorySourceRepository(), outbound: new MemoryOutboundRepository() }),
});
// openStore bounds the top level's calls only: each half's store gets the same bounds (503, not a hang).
const guarded = <R extends object>(store: R) =>
  config.MONGODB_URL ? withStoreErrors(store, config.MONGODB_TIMEOUT_MS) : store;
const sources = guarded(db.store.sources);
const outbound = guarded(db.store.outbound);
const { bus, queue } = await busFromConfig(config, logger);
const outbox = new OutboxRelay(sources.outbox, bus, { logger });
outbox.start();
const client = syncOutboundClient(config.ALLOW_PRIVATE_URLS);

const app = await buildSyncApp({
  sources,
  outbox,
  outbound,
  owners: new CalendarServiceOwners(signed(config.CALENDAR_SERVICE_URL)),
  bookings: new BookingServiceBusySync(signed(config.BOOKING_SERVICE_URL)),
  secrets: new SecretBox(config.SECRET_KEYS),
  client,
  allowPrivateUrls: config.ALLOW_PRIVATE_URLS,
  bus,
  clock: systemClock,
  logger,
  queue: queue('sync'),
  health: async () => (bus.isConnected?.() ?? true) && (await db.healthy()),
  identityKey: keys.identity,
  publicBaseUrl: config.PUBLIC_BASE_URL,
  syncIntervalMs: config.BUSY_SYNC_SECONDS * 1_000,
  windowDays: config.BUSY_WINDOW_DAYS,
});
await listenUntilSignal(app, config, closeInOrder(outbox, bus, client, db));
