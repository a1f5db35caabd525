export { buildSyncApp, SYNC_DEFAULTS, type SyncAppDeps } from './app.js';
export { syncConfig, type SyncConfig } from './config.js';
export { BookingServiceBusySync } from './adapters/booking-busy-sync.js';
export { CalendarServiceOwners } from './adapters/calendar-owners.js';
export { MemorySourceRepository } from './adapters/memory/memory-source-repository.js';
export { MongoSourceRepository } from './adapters/mongo/mongo-source-repository.js';
export { syncOutboundClient, SOURCE_MAX_BYTES, SOURCE_TIMEOUT_MS } from './adapters/outbound-client.js';
export { outboundUrlPolicy } from '@slotkeeper/outbound-http';
export type { BookingBusySync, BusySource, SecretSealer, SourceRepository, UrlPolicy } from './domain/busy-source.js';
export type { CalendarOwner, CalendarOwners } from './domain/ports.js';
export {
  MemoryOutboundRepository,
  MongoOutboundRepository,
  type OutboundRepository,
  type WriteBackWorkerOptions,
} from './outbound/index.js';
