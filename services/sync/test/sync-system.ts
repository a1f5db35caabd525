/**
 * The sync service as the tests meet it: built by `buildSyncApp` on the in-process bus and the
 * memory stores, reading real HTTP servers on 127.0.0.1. The calendar and booking services are
 * other services: small Fastify apps answer their internal routes, the booking one from the
 * BusyTimesChanged messages it hears on the bus.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { IDENTITY_HEADER, internalKeys, signIdentity, type Principal } from '@slotkeeper/auth';
import type { MessageData } from '@slotkeeper/contracts';
import { injectUpstream, PROBLEM_BASE, type HttpApp } from '@slotkeeper/http-kit';
import { InProcessBus, OutboxRelay } from '@slotkeeper/messaging';
import { createLogger, type Logger } from '@slotkeeper/observability';
import { SecretBox, secretKeysFromEnv } from '@slotkeeper/secret-box';
import { systemClock } from '@slotkeeper/time';
import Fastify from 'fastify';
import { BookingServiceBusySync } from '../src/adapters/booking-busy-sync.js';
import { CalendarServiceOwners } from '../src/adapters/calendar-owners.js';
import { MemorySourceRepository } from '../src/adapters/memory/memory-source-repository.js';
import { syncOutboundClient } from '../src/adapters/outbound-client.js';
import { buildSyncApp, type SyncAppDeps } from '../src/app.js';
import { MemoryOutboundRepository } from '../src/outbound/index.js';

export const ANN = 'aaaaaaaaaaaaaaaaaaaaaaaa';
export const BOB = 'bbbbbbbbbbbbbbbbbbbbbbbb';
export const CAL = 'cccccccccccccccccccccccc';
export const BOBS_CAL = 'dddddddddddddddddddddddd';
export const NO_CAL = 'eeeeeeeeeeeeeeeeeeeeeeee';
export const ann: Principal = { kind: 'user', userId: ANN };
export const bob: Principal = { kind: 'user', userId: BOB };

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Tomorrow at `hour`:00 UTC, as epoch ms: inside every busy window. */
export const tomorrowAt = (hour: number) => Math.floor(Date.now() / DAY) * DAY + DAY + hour * HOUR;

const stamp = (ms: number) =>
  new Date(ms)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');

/** An iCalendar document of one busy VEVENT per `[start, end)`, UTC. */
export const ics = (...events: Array<[number, number]>) =>
  [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Slotkeeper tests//EN',
    ...events.flatMap(([start, end], n) => [
      'BEGIN:VEVENT',
      `UID:event-${n}-${start}@tests.example`,
      `DTSTAMP:${stamp(start)}`,
      `DTSTART:${stamp(start)}`,
      `DTEND:${stamp(end)}`,
      'SUMMARY:Busy',
      'END:VEVENT',
    ]),
    'END:VCALENDAR',
    '',
  ].join('\r\n');

interface Feed {
  body: string;
  status?: number;
  etag?: string;
  delayMs?: number;
}

/**
 * ICS feeds on a local HTTP server: each path answers its feed (conditional on its ETag), after
 * its delay; every request is recorded, and how many of one path were in flight at once.
 */
export async function icsServer() {
  const feeds = new Map<string, Feed>();
  const requests: Array<{ path: string; headers: IncomingMessage['headers'] }> = [];
  const inFlight = new Map<string, number>();
  const maxInFlight = new Map<string, number>();
  /** Requests in flight over all paths, now and at most. */
  const all = { now: 0, max: 0 };
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0]!;
    requests.push({ path, headers: request.headers });
    const now = (inFlight.get(path) ?? 0) + 1;
    inFlight.set(path, now);
    maxInFlight.set(path, Math.max(now, maxInFlight.get(path) ?? 0));
    all.max = Math.max(all.max, ++all.now);
    const feed = feeds.get(path);
    const answer = () => {
      inFlight.set(path, (inFlight.get(path) ?? 1) - 1);
      all.now--;
      if (response.destroyed) return;
      if (!feed) return void response.writeHead(404).end();
      if (feed.etag && request.headers['if-none-match'] === feed.etag) return void response.writeHead(304).end();
      response.writeHead(feed.status ?? 200, {
        'content-type': 'text/calendar; charset=utf-8',
        ...(feed.etag && { etag: feed.etag }),
      });
      response.end(feed.body);
    };
    if (feed?.delayMs) setTimeout(answer, feed.delayMs);
    else answer();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    url: (path: string) => `${base}${path}`,
    serve: (path: string, feed: Feed) => void feeds.set(path, feed),
    requests,
    /** Requests of one path. */
    hits: (path: string) => requests.filter((r) => r.path === path).length,
    maxInFlight: (path: string) => maxInFlight.get(path) ?? 0,
    /** The most requests in flight at once, over all paths. */
    maxInFlightAll: () => all.max,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
export type IcsServer = Awaited<ReturnType<typeof icsServer>>;

/**
 * The calendar service's owner route: ANN owns CAL, BOB owns BOBS_CAL, another calendar is its
 * not-found problem; `down` answers 503, `bare404` a 404 that is not its problem document (a
 * server without the route, a proxy's page).
 */
export function calendarService() {
  const state = { down: false, bare404: false, zones: new Map([[CAL, 'Asia/Kolkata']]) };
  const owners = new Map([
    [CAL, ANN],
    [BOBS_CAL, BOB],
  ]);
  const app = Fastify();
  app.get<{ Params: { calendar_id: string } }>('/internal/calendars/:calendar_id/owner', async (request, reply) => {
    if (state.down) return reply.code(503).send({ status: 503 });
    if (state.bare404) return reply.code(404).type('text/html').send('<h1>Not Found</h1>');
    const id = request.params.calendar_id;
    const userId = owners.get(id);
    if (!userId)
      return reply
        .code(404)
        .type('application/problem+json')
        .send({
          type: `${PROBLEM_BASE}not-found`,
          title: 'Not found',
          status: 404,
          detail: `calendar ${id} does not exist`,
        });
    return { calendar_id: id, user_id: userId, timezone: state.zones.get(id) ?? 'UTC', name: 'Work' };
  });
  return { app, state, owners };
}

/** The booking service as this service meets it: the busy sets it applied, newest version wins. */
export function bookingService(bus: InProcessBus) {
  const applied = new Map<string, MessageData<'BusyTimesChanged'>>();
  const state = { listening: true, heard: [] as Array<MessageData<'BusyTimesChanged'>> };
  void bus.subscribe('booking', ['BusyTimesChanged'], async (message) => {
    const data = message.data as MessageData<'BusyTimesChanged'>;
    state.heard.push(data);
    if (!state.listening) return;
    const key = `${data.calendar_id}/${data.source_id}`;
    if ((applied.get(key)?.version ?? 0) < data.version) applied.set(key, data);
  });
  const app = Fastify();
  app.get<{ Params: { calendar_id: string; source_id: string } }>(
    '/internal/calendars/:calendar_id/busy_sources/:source_id/version',
    async ({ params }) => ({
      calendar_id: params.calendar_id,
      source_id: params.source_id,
      version: applied.get(`${params.calendar_id}/${params.source_id}`)?.version ?? 0,
    }),
  );
  return { app, applied, state, of: (sourceId: string) => applied.get(`${CAL}/${sourceId}`) };
}

/** A fresh `SECRET_KEYS` value: one key, `id`. */
export const secretKeys = (id = 'k1') => `${id}:${randomBytes(32).toString('base64')}`;

/** Log lines, kept as written. */
export function logSink(): { lines: string[]; logger: Logger } {
  const lines: string[] = [];
  return {
    lines,
    logger: createLogger({ level: 'debug', destination: { write: (line: string) => void lines.push(line) } }),
  };
}

/**
 * The system on fresh memory stores, or on `stores` another system used before (a restart: that
 * one closed first); `options` replace the defaults, `secrets` among them (another SECRET_KEYS).
 */
export async function syncSystem(
  options: Partial<SyncAppDeps> = {},
  stores: { sources?: MemorySourceRepository; outbound?: MemoryOutboundRepository } = {},
) {
  const keys = internalKeys('the internal secret of the sync service tests');
  const { lines, logger } = logSink();
  const bus = new InProcessBus({ logger });
  const sources = stores.sources ?? new MemorySourceRepository();
  const outbound = stores.outbound ?? new MemoryOutboundRepository();
  const relay = new OutboxRelay(sources.outbox, bus, { logger });
  const calendar = calendarService();
  const booking = bookingService(bus);
  const client = syncOutboundClient(true);
  const secrets = options.secrets ?? new SecretBox(secretKeysFromEnv(secretKeys()));
  const app: HttpApp = await buildSyncApp({
    sources,
    outbox: relay,
    outbound,
    owners: new CalendarServiceOwners(injectUpstream(calendar.app)),
    bookings: new BookingServiceBusySync(injectUpstream(booking.app), 1_000),
    secrets,
    client,
    allowPrivateUrls: true,
    bus,
    clock: systemClock,
    logger,
    identityKey: keys.identity,
    publicBaseUrl: 'http://127.0.0.1:3000',
    queue: `sync-test-${randomBytes(4).toString('hex')}`,
    firstSyncWaitMs: 2_000,
    ...options,
  });
  const as = (principal: Principal) => ({ [IDENTITY_HEADER]: signIdentity(principal, keys.identity) });
  const path = (calendarId = CAL) => `/api/calendar/calendars/${calendarId}/busy_sources`;
  return {
    app,
    bus,
    sources,
    outbound,
    relay,
    secrets,
    calendar,
    booking,
    lines,
    logger,
    as,
    create: (body: Record<string, unknown>, principal = ann, calendarId = CAL) =>
      app.inject({ method: 'POST', url: path(calendarId), headers: as(principal), payload: body }),
    list: (principal = ann, calendarId = CAL) =>
      app.inject({ method: 'GET', url: path(calendarId), headers: as(principal) }),
    remove: (sourceId: string, principal = ann, calendarId = CAL) =>
      app.inject({ method: 'DELETE', url: `${path(calendarId)}/${sourceId}`, headers: as(principal) }),
    close: async () => {
      await app.close();
      await relay.close();
      await client.close();
      await Promise.all([calendar.app.close(), booking.app.close()]);
    },
  };
}
export type SyncSystem = Awaited<ReturnType<typeof syncSystem>>;
