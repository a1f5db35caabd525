/*
 * The sync service's outbound half: its own projection of the booking service's events, the
 * calendar feed served from it, and the write-back of bookings to CalDAV sources.
 */
export type { OutboundDeps } from './deps.js';
export { outboundHandlers } from './consumers/event-handlers.js';
export { forgetCalendar } from './consumers/calendar-deleted.js';
export { outboundRoutes } from './http/feed-routes.js';
export { WriteBackWorker, type WriteBackWorkerOptions } from './write-back-worker.js';
export type { OutboundRepository } from './domain/outbound-repository.js';
export { MemoryOutboundRepository } from './adapters/memory-outbound-repository.js';
export { MongoOutboundRepository } from './adapters/mongo-outbound-repository.js';
export { FEED_PAST_DAYS, MAX_FEED_EVENTS, feedStart, type OutboundEvent } from './domain/outbound-event.js';
export {
  DEFAULT_RETRY_DELAYS_MS,
  type ClaimedJob,
  type Settlement,
  type WriteBackJob,
  type WriteRequest,
} from './domain/write-back-job.js';
