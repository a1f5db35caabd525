export { buildCalendarApp, type CalendarAppDeps } from './app.js';
export { BookingServiceSync } from './adapters/booking-sync.js';
export { MemoryCalendarRepository } from './adapters/memory/memory-calendar-repository.js';
export { MongoCalendarRepository } from './adapters/mongo/mongo-calendar-repository.js';
export type { Calendar, CalendarRepository } from './domain/calendar.js';
