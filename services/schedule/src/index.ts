export { buildScheduleApp, type ScheduleAppDeps } from './app.js';
export { CalendarServiceLinks } from './adapters/calendar-links.js';
export { MemoryScheduleRepository } from './adapters/memory/memory-schedule-repository.js';
export { MongoScheduleRepository } from './adapters/mongo/mongo-schedule-repository.js';
export type { CalendarLinks, Schedule, ScheduleRepository, UserDirectory } from './domain/schedule.js';
