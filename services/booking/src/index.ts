export { bookingDeps, buildBookingApp, type BookingAppDeps, type BookingBaseDeps } from './app.js';
export { CalendarSerializer } from './domain/calendar-serializer.js';
export { MemoryLedgerRepository } from './adapters/memory/memory-ledger-repository.js';
export { MongoLedgerRepository } from './adapters/mongo/mongo-ledger-repository.js';
export { MemoryBusyTimesRepository } from './adapters/memory/memory-busy-times-repository.js';
export { MongoBusyTimesRepository } from './adapters/mongo/mongo-busy-times-repository.js';
export type { LedgerRepository } from './domain/ledger.js';
export type { BusyTimes, BusyTimesRepository } from './domain/busy-times.js';
