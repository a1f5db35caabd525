import {
  buildBookingApp,
  type BookingAppDeps,
  CalendarSerializer,
  MemoryBusyTimesRepository,
  MemoryLedgerRepository,
} from '@slotkeeper/booking-service';
import { BookingServiceSync, buildCalendarApp, MemoryCalendarRepository } from '@slotkeeper/calendar-service';
import { randomBytes } from 'node:crypto';
import { internalKeys } from '@slotkeeper/auth';
import { injectUpstream, signedUpstream, type HttpApp, type Upstream } from '@slotkeeper/http-kit';
import { InProcessBus, OutboxRelay } from '@slotkeeper/messaging';
import { buildNotificationApp, HttpOwnerDirectory, LogNotifier, type Notifier } from '@slotkeeper/notification-service';
import type { Logger } from '@slotkeeper/observability';
import { buildScheduleApp, CalendarServiceLinks, MemoryScheduleRepository } from '@slotkeeper/schedule-service';
import { CalendarServiceClient, ScheduleServiceClient, UserServiceClient } from '@slotkeeper/service-clients';
import { systemClock, type Clock } from '@slotkeeper/time';
import { SecretBox } from '@slotkeeper/secret-box';
import {
  BookingServiceBusySync,
  buildSyncApp,
  CalendarServiceOwners,
  MemoryOutboundRepository,
  MemorySourceRepository,
  syncOutboundClient,
  type SyncAppDeps,
} from '@slotkeeper/sync-service';
import { buildUserApp, MemoryUserRepository } from '@slotkeeper/user-service';
import {
  buildWebhookApp,
  calendarServiceOwners,
  MemoryWebhookStore,
  webhookClient,
  type WebhookAppDeps,
} from '@slotkeeper/webhook-service';
import { buildGateway } from '@slotkeeper/gateway';

export interface EmbeddedOptions {
  logger: Logger;
  clock?: Clock;
  notifier?: Notifier;
  /** The gateway's public address, which notification emails link to (`PUBLIC_BASE_URL`). */
  publicBaseUrl?: string;
  /** Requests per minute and client IP at the gateway. */
  rateLimitPerMinute?: number;
  /** Proxies in front of the gateway whose X-Forwarded-For names the client. */
  trustProxy?: string[];
  /** Origins whose pages may call owner routes (`CORS_ORIGINS`). */
  corsOrigins?: readonly string[];
  /** `ALLOW_PRIVATE_URLS`: busy sources on loopback and private addresses (tests, a home lab). */
  allowPrivateUrls?: boolean;
  /** `BUSY_SYNC_SECONDS` and the other knobs of the sync service, for tests. */
  sync?: Pick<SyncAppDeps, 'syncIntervalMs' | 'windowDays' | 'pollMs' | 'retryDelaysMs' | 'writeBack'>;
  /**
   * `WEBHOOK_RETRY_DELAYS` and the webhook service's other knobs, for tests; `clock` its own (a
   * receiver refuses a signature timestamped more than 5 minutes from its clock).
   */
  webhooks?: Partial<Pick<WebhookAppDeps, 'retryDelaysMs' | 'concurrency' | 'clock'>>;
}

/** An upstream resolved when first called: for an app built after the one that calls it. */
const lazyUpstream = (resolve: () => Upstream): Upstream => {
  let upstream: Upstream | undefined;
  return { request: (request) => (upstream ??= resolve()).request(request) };
};

export interface EmbeddedSystem {
  /** The only part that listens. */
  gateway: HttpApp;
  bus: InProcessBus;
}

/**
 * The whole system in one process: every service on in-memory stores, talking through the
 * in-process bus, reached by the gateway without sockets. The default of `pnpm start`.
 */
export async function buildEmbeddedSystem({
  logger,
  clock = systemClock,
  notifier,
  publicBaseUrl = 'http://127.0.0.1:3000',
  rateLimitPerMinute,
  trustProxy,
  corsOrigins,
  allowPrivateUrls = false,
  sync,
  webhooks,
}: EmbeddedOptions): Promise<EmbeddedSystem> {
  const log = (service: string) => logger.child({ service });
  const bus = new InProcessBus({ logger: log('bus') });
  // One process: its own secret, never written anywhere.
  const keys = internalKeys(randomBytes(32).toString('base64url'));
  const identityKey = keys.identity;
  const as = (service: string, upstream: Upstream) =>
    signedUpstream(upstream, identityKey, { kind: 'service', service });

  // Its relay publishes ApiKeyRotated on the bus, which the gateway hears (it also forgets the
  // old key itself when it forwards the rotation's 201).
  const userApp = buildUserApp({ users: new MemoryUserRepository(), bus, clock, logger: log('user'), identityKey });
  const schedules = new MemoryScheduleRepository();
  const laterCalendar = lazyUpstream(() => injectUpstream(calendarApp));
  const scheduleRelay = new OutboxRelay(schedules.outbox, bus, { logger: log('outbox') });
  scheduleRelay.start();
  const scheduleApp = buildScheduleApp({
    schedules,
    outbox: scheduleRelay,
    userDirectory: new UserServiceClient(as('schedule', injectUpstream(userApp))),
    // The calendar app is built later (it asks this one): resolved on the first call.
    calendars: new CalendarServiceLinks(as('schedule', laterCalendar)),
    clock,
    logger: log('schedule'),
    identityKey,
  });
  scheduleApp.addHook('onClose', async () => {
    scheduleRelay.stop();
    await scheduleRelay.drain();
  });
  const calendars = new MemoryCalendarRepository();
  const ledgers = new MemoryLedgerRepository();
  // The in-process bus never fails, so each write's own flush delivers; the sweep is a backstop.
  const sources = new MemorySourceRepository();
  const relays = [calendars.outbox, ledgers.outbox, sources.outbox].map(
    (store) => new OutboxRelay(store, bus, { logger: log('outbox') }),
  );
  relays.forEach((relay) => relay.start());
  const bookingDeps: BookingAppDeps = {
    ledgers,
    busyTimes: new MemoryBusyTimesRepository(),
    outbox: relays[1]!,
    serializer: new CalendarSerializer(),
    bus,
    clock,
    logger: log('booking'),
    identityKey,
    cancelTokenKey: keys.cancelTokens,
  };
  const bookingApp = await buildBookingApp(bookingDeps);
  const calendarApp = await buildCalendarApp({
    calendars,
    outbox: relays[0]!,
    schedules: new ScheduleServiceClient(as('calendar', injectUpstream(scheduleApp))),
    users: new UserServiceClient(as('calendar', injectUpstream(userApp))),
    // The in-process bus has delivered a change to the booking service by the time this asks.
    bookings: new BookingServiceSync(as('calendar', injectUpstream(bookingApp))),
    bus,
    clock,
    logger: log('calendar'),
    identityKey,
  });
  const notificationApp = await buildNotificationApp({
    bus,
    notifier: notifier ?? new LogNotifier(),
    // Calendar owners, asked as the notification service would over HTTP.
    owners: new HttpOwnerDirectory({
      calendars: new CalendarServiceClient(as('notification', injectUpstream(calendarApp))),
      users: new UserServiceClient(as('notification', injectUpstream(userApp))),
    }),
    publicBaseUrl,
    // The booking service's key: the booker's mail carries the token it issued.
    cancelTokenKey: keys.cancelTokens,
    logger: log('notification'),
  });
  const client = syncOutboundClient(allowPrivateUrls);
  const syncApp = await buildSyncApp({
    sources,
    outbox: relays[2]!,
    outbound: new MemoryOutboundRepository(),
    owners: new CalendarServiceOwners(as('sync', injectUpstream(calendarApp))),
    bookings: new BookingServiceBusySync(as('sync', injectUpstream(bookingApp))),
    // One process and in-memory stores: a key of its own, never written anywhere.
    secrets: SecretBox.fromEnv(`embedded:${randomBytes(32).toString('base64')}`),
    client,
    allowPrivateUrls,
    bus,
    clock,
    logger: log('sync'),
    identityKey,
    publicBaseUrl,
    ...sync,
  });
  syncApp.addHook('onClose', () => client.close());
  const hooks = webhookClient(allowPrivateUrls);
  const webhookApp = await buildWebhookApp({
    store: new MemoryWebhookStore(),
    owners: calendarServiceOwners(new CalendarServiceClient(as('webhook', injectUpstream(calendarApp)))),
    secrets: SecretBox.fromEnv(`embedded:${randomBytes(32).toString('base64')}`),
    client: hooks,
    allowPrivateUrls,
    bus,
    clock,
    logger: log('webhook'),
    identityKey,
    ...webhooks,
  });
  webhookApp.addHook('onClose', () => hooks.close());

  const gateway = await buildGateway({
    logger: log('gateway'),
    identityKey,
    ...(rateLimitPerMinute !== undefined && { rateLimitPerMinute }),
    ...(trustProxy && { trustProxy }),
    ...(corsOrigins && { corsOrigins }),
    bus,
    upstreams: {
      user: injectUpstream(userApp),
      schedule: injectUpstream(scheduleApp),
      calendar: injectUpstream(calendarApp),
      booking: injectUpstream(bookingApp),
      sync: injectUpstream(syncApp),
      webhook: injectUpstream(webhookApp),
    },
  });
  const services = [userApp, scheduleApp, calendarApp, bookingApp, notificationApp, syncApp, webhookApp];
  gateway.addHook('onClose', async () => {
    relays.forEach((relay) => relay.stop());
    // Pending messages first, while the services their consumers ask (calendar owners) are open.
    await Promise.all(relays.map((relay) => relay.drain()));
    await Promise.all(services.map((app) => app.close()));
    await Promise.all(relays.map((relay) => relay.drain()));
    await bus.close();
  });
  return { gateway, bus };
}
