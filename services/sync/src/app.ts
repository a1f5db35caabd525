import { createHttpApp } from '@slotkeeper/http-kit';
import { subscribeByType, type MessageBus } from '@slotkeeper/messaging';
import type { Logger } from '@slotkeeper/observability';
import { outboundUrlPolicy, type OutboundClient } from '@slotkeeper/outbound-http';
import type { Clock } from '@slotkeeper/time';
import { CalendarSourceReader } from './adapters/source-reader.js';
import { SyncScheduler } from './adapters/sync-scheduler.js';
import { StoreWriteTargets } from './adapters/write-targets.js';
import { calendarHandlers, SYNC_QUEUE } from './consumers/calendar-consumer.js';
import type {
  BookingBusySync,
  OutboxPublisher,
  SecretSealer,
  SourceRepository,
  UrlPolicy,
} from './domain/busy-source.js';
import type { BusySourceDeps } from './domain/busy-source-use-cases.js';
import type { CalendarOwners } from './domain/ports.js';
import type { SyncDeps } from './domain/sync-source.js';
import { busySourcesRoutes } from './http/busy-sources-routes.js';
import {
  forgetCalendar,
  outboundHandlers,
  outboundRoutes,
  WriteBackWorker,
  type OutboundDeps,
  type OutboundRepository,
  type WriteBackWorkerOptions,
} from './outbound/index.js';

export interface SyncAppDeps {
  /** The busy sources; their outbox is published by `outbox`. */
  sources: SourceRepository;
  /** The relay over `sources.outbox`. */
  outbox: OutboxPublisher;
  /** The outbound half's store: the events projection, feed tokens, write-back jobs. */
  outbound: OutboundRepository;
  /** The calendar service's internal owner route. */
  owners: CalendarOwners;
  /** The booking service's internal busy-version route (read-your-writes). */
  bookings: BookingBusySync;
  /** Seals source URLs and passwords (SECRET_KEYS), and re-seals them after a rotation; a `SecretBox`. */
  secrets: SecretSealer;
  /** Reads sources and writes bookings back: SSRF-safe, with a deadline and a size limit. */
  client: OutboundClient;
  /** ALLOW_PRIVATE_URLS: whether owners' URLs may name loopback, private and link-local addresses. */
  allowPrivateUrls: boolean;
  /** Replaces the URL rule built from `allowPrivateUrls` (tests that stand in for the internet). */
  urls?: UrlPolicy;
  bus: MessageBus;
  clock: Clock;
  logger: Logger;
  /** The consuming queue's name (namespaced by AMQP_PREFIX in the distributed mode). */
  queue?: string;
  health?: () => Promise<boolean>;
  /** Verifies the gateway's identity header (from INTERNAL_AUTH_SECRET). */
  identityKey: Buffer;
  /** Where the gateway serves the API: the feed URL starts with it. */
  publicBaseUrl: string;
  /** BUSY_SYNC_SECONDS in ms (300 s). */
  syncIntervalMs?: number;
  /** BUSY_WINDOW_DAYS (365). */
  windowDays?: number;
  /** How long a POST waits for the first sync (5 s). */
  firstSyncWaitMs?: number;
  /** How long a sync's lease lasts (2 min). */
  leaseMs?: number;
  /** How often due sources are looked for (the interval, at most 5 s). */
  pollMs?: number;
  /** Syncs one instance runs at once (4). */
  concurrency?: number;
  /** Write-back's retry delays. */
  retryDelaysMs?: readonly number[];
  /** The write-back worker's poll, lease and batch (its defaults otherwise). */
  writeBack?: WriteBackWorkerOptions;
}

export const SYNC_DEFAULTS = {
  syncIntervalMs: 300_000,
  windowDays: 365,
  firstSyncWaitMs: 5_000,
  leaseMs: 120_000,
  concurrency: 4,
};

/**
 * Builds the sync service: the busy-source routes and the feed routes, the one consumer of its
 * queue (deleted calendars, and the events the outbound half projects and writes back), the sync
 * scheduler and the write-back worker, both stopped when the app closes. Never listens.
 */
export async function buildSyncApp(deps: SyncAppDeps) {
  const app = createHttpApp({
    logger: deps.logger,
    identityKey: deps.identityKey,
    // It asks the calendar and booking services, under the request's id.
    propagateRequestId: true,
    ...(deps.health ? { health: deps.health } : {}),
  });
  const intervalMs = deps.syncIntervalMs ?? SYNC_DEFAULTS.syncIntervalMs;
  const syncDeps: SyncDeps = {
    sources: deps.sources,
    reader: new CalendarSourceReader(deps.client),
    owners: deps.owners,
    secrets: deps.secrets,
    outbox: deps.outbox,
    writeJobs: deps.outbound,
    clock: deps.clock,
    settings: { intervalMs, windowDays: deps.windowDays ?? SYNC_DEFAULTS.windowDays },
  };
  const leaseMs = deps.leaseMs ?? SYNC_DEFAULTS.leaseMs;
  const scheduler = new SyncScheduler(syncDeps, deps.logger.child({ component: 'busy-sync' }), {
    leaseMs,
    pollMs: deps.pollMs ?? Math.min(5_000, intervalMs),
    concurrency: deps.concurrency ?? SYNC_DEFAULTS.concurrency,
  });
  const busyDeps: BusySourceDeps = {
    ...syncDeps,
    urls: deps.urls ?? outboundUrlPolicy(deps.allowPrivateUrls),
    bookings: deps.bookings,
    syncer: scheduler,
    firstSyncWaitMs: deps.firstSyncWaitMs ?? SYNC_DEFAULTS.firstSyncWaitMs,
    leaseMs,
  };
  const outboundDeps: OutboundDeps = {
    store: deps.outbound,
    targets: new StoreWriteTargets(deps.sources, deps.secrets),
    owners: deps.owners,
    client: deps.client,
    clock: deps.clock,
    logger: deps.logger,
    publicBaseUrl: deps.publicBaseUrl,
    ...(deps.retryDelaysMs && { retryDelaysMs: deps.retryDelaysMs }),
  };
  busySourcesRoutes(app, busyDeps);
  outboundRoutes(app, outboundDeps);
  // One consumer per queue: both halves' handlers in one subscription.
  await subscribeByType(deps.bus, deps.queue ?? SYNC_QUEUE, {
    ...calendarHandlers(syncDeps, (calendarId) => forgetCalendar(calendarId, outboundDeps)),
    ...outboundHandlers(outboundDeps),
  });
  const worker = new WriteBackWorker(outboundDeps, deps.writeBack);
  scheduler.start();
  worker.start();
  app.addHook('onClose', async () => {
    await Promise.all([scheduler.stop(), worker.stop()]);
  });
  return app;
}
