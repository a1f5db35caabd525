import { randomBytes } from 'node:crypto';
import { internalKeys } from '@slotkeeper/auth';
import { BookingServiceSync, buildCalendarApp, MemoryCalendarRepository } from '@slotkeeper/calendar-service';
import { API_ROUTES, type ServiceName } from '@slotkeeper/contracts';
import { injectUpstream, type HttpApp, type Upstream } from '@slotkeeper/http-kit';
import { InProcessBus, OutboxRelay } from '@slotkeeper/messaging';
import { silentLogger } from '@slotkeeper/observability';
import { buildScheduleApp, CalendarServiceLinks, MemoryScheduleRepository } from '@slotkeeper/schedule-service';
import { SecretBox } from '@slotkeeper/secret-box';
import { ScheduleServiceClient, UserServiceClient } from '@slotkeeper/service-clients';
import {
  BookingServiceBusySync,
  buildSyncApp,
  CalendarServiceOwners,
  MemoryOutboundRepository,
  MemorySourceRepository,
  syncOutboundClient,
} from '@slotkeeper/sync-service';
import { ManualClock } from '@slotkeeper/time';
import { buildUserApp, MemoryUserRepository } from '@slotkeeper/user-service';
import { buildWebhookApp, MemoryWebhookStore, webhookClient } from '@slotkeeper/webhook-service';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryBookingApp } from './booking-app.js';

/**
 * `METHOD /path` of every route an app serves, read from its route tree (Fastify lists no routes
 * otherwise); the HEAD it adds to each GET is left out.
 */
function servedRoutes(app: HttpApp): string[] {
  const served: string[] = [];
  const segments: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const node = /^((?:│ {3}| {4})*)[├└]── (\S+)(?: \(([^)]+)\))?$/.exec(line);
    if (!node) continue;
    segments.length = node[1]!.length / 4;
    segments.push(node[2]!);
    for (const method of node[3]?.split(', ') ?? []) {
      if (method !== 'HEAD') served.push(`${method} ${segments.join('')}`);
    }
  }
  return served.sort();
}

const declaredOf = (service: ServiceName) =>
  API_ROUTES.filter((route) => route.service === service)
    .map((route) => `${route.method} ${route.path}`)
    .sort();

/** Each service as the embedded system builds it, with its own stores and no traffic. */
async function buildServices(): Promise<Record<ServiceName, HttpApp>> {
  const keys = internalKeys(randomBytes(32).toString('base64url'));
  const clock = new ManualClock('2030-06-01T00:00:00Z');
  const logger = silentLogger();
  const identityKey = keys.identity;
  const bus = new InProcessBus({ logger });
  const user = buildUserApp({ users: new MemoryUserRepository(), clock, logger, identityKey });
  const schedules = new MemoryScheduleRepository();
  const schedule = buildScheduleApp({
    schedules,
    outbox: new OutboxRelay(schedules.outbox, bus, { logger }),
    userDirectory: new UserServiceClient(injectUpstream(user)),
    // Never called here: the routes are only listed.
    calendars: new CalendarServiceLinks({ request: () => Promise.reject(new Error('not called')) }),
    clock,
    logger,
    identityKey,
  });
  const { app: booking } = await memoryBookingApp(keys, { bus, clock, logger });
  const calendars = new MemoryCalendarRepository();
  const calendar = await buildCalendarApp({
    calendars,
    outbox: new OutboxRelay(calendars.outbox, bus, { logger }),
    schedules: new ScheduleServiceClient(injectUpstream(schedule)),
    users: new UserServiceClient(injectUpstream(user)),
    bookings: new BookingServiceSync(injectUpstream(booking)),
    bus,
    clock,
    logger,
    identityKey,
  });
  const sources = new MemorySourceRepository();
  const unreachable: Upstream = { request: () => Promise.reject(new Error('not called')) };
  const client = syncOutboundClient(false);
  const sync = await buildSyncApp({
    sources,
    outbox: new OutboxRelay(sources.outbox, bus, { logger }),
    outbound: new MemoryOutboundRepository(),
    owners: new CalendarServiceOwners(injectUpstream(calendar)),
    bookings: new BookingServiceBusySync(unreachable),
    secrets: SecretBox.fromEnv(`k1:${randomBytes(32).toString('base64')}`),
    client,
    allowPrivateUrls: false,
    bus,
    clock,
    logger,
    identityKey,
    publicBaseUrl: 'http://127.0.0.1:3000',
  });
  sync.addHook('onClose', () => client.close());
  const hooks = webhookClient(false);
  const webhook = await buildWebhookApp({
    store: new MemoryWebhookStore(),
    owners: { ownerOf: () => Promise.reject(new Error('not called')) },
    secrets: SecretBox.fromEnv(`k1:${randomBytes(32).toString('base64')}`),
    client: hooks,
    allowPrivateUrls: false,
    bus,
    clock,
    logger,
    identityKey,
  });
  webhook.addHook('onClose', () => hooks.close());
  return { user, schedule, calendar, booking, sync, webhook };
}

describe('each service serves exactly the routes declared for it', () => {
  let services: Record<ServiceName, HttpApp>;
  beforeAll(async () => {
    services = await buildServices();
    await Promise.all(Object.values(services).map((app) => app.ready()));
  });
  afterAll(() => Promise.all(Object.values(services).map((app) => app.close())));

  it.each(['user', 'schedule', 'calendar', 'booking', 'sync', 'webhook'] as const)(
    'when the %s service is built, then its public routes are the ones declared for it, and its others only /health and /internal',
    (service) => {
      const served = servedRoutes(services[service]);
      expect(served.filter((route) => route.includes(' /api/'))).toEqual(declaredOf(service));
      expect(declaredOf(service).length).toBeGreaterThan(0);
      for (const route of served.filter((other) => !other.includes(' /api/'))) {
        expect(route).toMatch(/^(GET \/health|[A-Z]+ \/internal\/.+)$/);
      }
    },
  );

  it.each(API_ROUTES.map((route) => [route.method, route.path, route.service] as const))(
    '%s %s is served by the %s service alone',
    (method, url, owner) => {
      for (const [service, app] of Object.entries(services)) {
        expect(app.hasRoute({ method, url }), service).toBe(service === owner);
      }
    },
  );
});

describe('the declarations', () => {
  it('name each operation once, and each method and path once', () => {
    const ids = API_ROUTES.map((route) => route.operationId);
    const routes = API_ROUTES.map((route) => `${route.method} ${route.path}`);
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(routes).size).toBe(routes.length);
  });

  it.each(API_ROUTES.map((route) => [route.operationId, route] as const))(
    '%s declares one success and the refusals its access and input imply',
    (_id, route) => {
      const statuses = Object.keys(route.schema.response).map(Number);
      const { params, querystring, headers, body } = route.schema;
      expect(statuses.filter((status) => status < 300)).toHaveLength(1);
      expect(statuses.includes(400)).toBe(Boolean(params ?? querystring ?? headers ?? body));
      if (route.access !== 'public') expect(statuses).toContain(403);
      expect(statuses.includes(413) && statuses.includes(415)).toBe(body !== undefined);
      expect(statuses).toEqual(expect.arrayContaining([401, 429, 503]));
      // A path parameter is an id that may be unknown.
      if (route.path.includes(':')) expect(statuses).toContain(404);
    },
  );
});
