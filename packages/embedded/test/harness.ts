import type { Notifier } from '@slotkeeper/notification-service';
import { silentLogger, type Logger } from '@slotkeeper/observability';
import {
  apiSetup,
  booking,
  inProcessClient,
  weekly,
  type ApiResult,
  type NewBooking,
  type NewCalendar,
  type NewSchedule,
} from '@slotkeeper/testing/api';
import { ManualClock } from '@slotkeeper/time';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, vi } from 'vitest';
import { buildEmbeddedSystem, type EmbeddedOptions } from '../src/embedded.js';

export type Json = Record<string, unknown> & { id: string };
type System = Awaited<ReturnType<typeof buildEmbeddedSystem>>;
type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';
export interface Reply {
  status: number;
  headers: Record<string, unknown>;
  // Assertions read arbitrary JSON bodies; typing each one would only restate the contract.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

export interface Harness {
  gateway: System['gateway'];
  bus: System['bus'];
  clock: ManualClock;
  send(method: Method, url: string, body?: unknown, headers?: Record<string, string>): Promise<Reply>;
  created(url: string, body: unknown): Promise<Json>;
  user(timezone?: string): Promise<Json>;
  schedule(userId: string, extra?: Record<string, unknown>): Promise<Json>;
  calendar(userId: string, scheduleIds: string[], extra?: Record<string, unknown>): Promise<Json>;
  bookable(rules?: Record<string, unknown>): Promise<{ owner: Json; hours: Json; cal: Json }>;
  book(
    calendarId: string,
    start: string,
    end: string,
    extra?: Record<string, unknown>,
    headers?: Record<string, string>,
  ): Promise<Reply>;
}

const ID = /[0-9a-f]{24}/g;

// Monday 2030-06-24 in Berlin (UTC+2): `bookable()` calendars are open 09:00–12:00 and 13:00–17:00 local.
export const NINE = '2030-06-24T09:00:00+02:00';
export const NINE_THIRTY = '2030-06-24T09:30:00+02:00';

/** The paths of the fields a 400 names, sorted; undefined when it names none. */
export const errorPaths = (body: { errors?: Array<{ path: string }> | undefined }) =>
  body.errors?.map((e) => e.path).sort();

/**
 * The harness for the tests of this file (or of the `describe` it is called in): built before
 * them, closed after them. The object is filled in by `beforeAll`, so use it in tests and hooks.
 */
export function useHarness(...args: Parameters<typeof harness>): Harness {
  const h = {} as Harness;
  beforeAll(async () => {
    Object.assign(h, await harness(...args));
  });
  afterAll(() => h.gateway.close());
  return h;
}

/**
 * The embedded system behind its gateway, a clock that stands still, and request helpers: the
 * setup ones (`user`, `schedule`, `calendar`, `bookable`, `book`) are `@slotkeeper/testing/api`'s
 * typed client over `inject`; `send` is a raw request, for tests of what the API makes of
 * anything a client may send.
 *
 * Every helper acts as the owner: the harness remembers each user's api key and which key
 * created which resource, and sends the key of the first id it knows in the URL or the body's
 * `user_id` / `calendar_id`. A test that is about credentials sets `authorization` itself ('' for none).
 */
export async function harness(
  now = '2030-06-01T00:00:00Z',
  options: {
    rateLimitPerMinute?: number;
    trustProxy?: string[];
    allowPrivateUrls?: boolean;
    webhooks?: EmbeddedOptions['webhooks'];
  } = {},
): Promise<Harness> {
  const clock = new ManualClock(now);
  const { gateway, bus } = await buildEmbeddedSystem({
    logger: silentLogger(),
    clock,
    rateLimitPerMinute: options.rateLimitPerMinute ?? 1_000_000,
    ...(options.trustProxy && { trustProxy: options.trustProxy }),
    // The tests' outside calendars are servers on 127.0.0.1; due syncs and write-backs are
    // looked for often, so a test waits for them in milliseconds, not seconds.
    allowPrivateUrls: options.allowPrivateUrls ?? true,
    sync: { pollMs: 100, writeBack: { pollMs: 100 } },
    ...(options.webhooks && { webhooks: options.webhooks }),
  });
  const api = apiSetup(inProcessClient(gateway));
  const keyOf = new Map<string, string>();

  const ownerKey = (url: string, body: unknown): string | undefined => {
    const fields = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
    const ids = [...(url.match(ID) ?? []), fields.user_id, fields.calendar_id].filter((id) => typeof id === 'string');
    return ids.map((id) => keyOf.get(id)).find((key) => key !== undefined);
  };
  /** A created resource belongs to the key that created it; a new user to its own. */
  const remember = (reply: Reply, key: string | undefined) => {
    if (reply.status === 201 && typeof reply.body?.id === 'string') {
      const created = reply.body.api_key ?? key;
      if (created) keyOf.set(reply.body.id, created);
    }
  };
  /** The owner of `userId` as the setup requests need it: its id and its key. */
  const owner = (userId: string) => ({ id: userId, api_key: keyOf.get(userId) ?? '' });

  const send = async (
    method: Method,
    url: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Reply> => {
    const key = 'authorization' in headers ? undefined : ownerKey(url, body);
    const sent = { ...(key && { authorization: `Bearer ${key}` }), ...headers };
    const response = await gateway.inject({
      method,
      url,
      headers: body === undefined ? sent : { 'content-type': 'application/json', ...sent },
      ...(body === undefined ? {} : { payload: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const json = String(response.headers['content-type'] ?? '').includes('json');
    const reply = {
      status: response.statusCode,
      headers: response.headers,
      // A feed answers text/calendar: its text is the body.
      body: !response.body ? undefined : json ? response.json() : response.body,
    };
    remember(reply, key);
    return reply;
  };

  async function created(url: string, body: unknown): Promise<Json> {
    const response = await send('POST', url, body);
    if (response.status !== 201)
      throw new Error(`${url} answered ${response.status}: ${JSON.stringify(response.body)}`);
    return response.body as Json;
  }

  /** Keeps the key a setup request was made with for the resource it made. */
  const kept = <T extends { id: string }>(resource: T, key: string): T & Json => {
    remember({ status: 201, headers: {}, body: resource }, key);
    return resource as T & Json;
  };

  let emails = 0;
  const user = async (timezone = 'Europe/Berlin') =>
    kept(await api.user({ email: `ann${++emails}@example.com`, timezone }), '');

  // The tests' extras may be anything a client sends: the API, not the type, judges them.
  const schedule = async (userId: string, extra: Record<string, unknown> = {}) =>
    kept(await api.schedule(owner(userId), extra as Partial<NewSchedule>), owner(userId).api_key);

  const calendar = async (userId: string, scheduleIds: string[], extra: Record<string, unknown> = {}) =>
    kept(await api.calendar(owner(userId), scheduleIds, extra as Partial<NewCalendar>), owner(userId).api_key);

  /** A user in Berlin with Monday 09–12 and 13–17 hours and a calendar of 30-minute meetings. */
  async function bookable(rules: Record<string, unknown> = { meeting_duration_minutes: 30 }) {
    const owner = await user();
    const hours = await schedule(owner.id);
    const cal = await calendar(owner.id, [hours.id], rules);
    return { owner, hours, cal };
  }

  async function book(
    calendarId: string,
    start: string,
    end: string,
    extra: Record<string, unknown> = {},
    headers: Record<string, string> = {},
  ): Promise<Reply> {
    const key = 'authorization' in headers ? undefined : keyOf.get(calendarId);
    const body = booking(calendarId, start, end, extra as Partial<NewBooking>);
    const reply = toReply(await api.tryBook(body, { ...(key && { authorization: `Bearer ${key}` }), ...headers }));
    remember(reply, key);
    return reply;
  }

  return { gateway, bus, clock, send, created, user, schedule, calendar, bookable, book };
}

function toReply({ data, error, response }: ApiResult<unknown>): Reply {
  return { status: response.status, headers: Object.fromEntries(response.headers), body: data ?? error };
}

export const EMPTY_CALENDAR = 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Slotkeeper tests//EN\r\nEND:VCALENDAR\r\n';

export interface IcsServer {
  /** http://127.0.0.1:<port>/calendar.ics */
  url: string;
  /** How many times it was asked. */
  requests: number;
}

/**
 * An outside calendar for the tests of this file: a local HTTP server answering `content()` as
 * text/calendar (or, when it gives a number, that status without a body), started before them
 * and stopped after them.
 */
export function useIcsServer(content: () => string | number): IcsServer {
  const state: IcsServer = { url: '', requests: 0 };
  let server: Server | undefined;
  beforeAll(async () => {
    server = createServer((_request, response) => {
      state.requests++;
      const answer = content();
      if (typeof answer === 'number') return void response.writeHead(answer).end();
      response.writeHead(200, { 'content-type': 'text/calendar; charset=utf-8' }).end(answer);
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/calendar.ics`;
  });
  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
  });
  return state;
}

/** Checks until `check` passes, or throws its last failure after `ms`: for what arrives by message. */
export const eventually = (check: () => void, ms = 5_000): Promise<void> =>
  vi.waitFor(check, { timeout: ms, interval: 10 });

/**
 * The embedded system sending its mails to `notifier`, with an owner in Berlin and a calendar of
 * 30-minute meetings on Mondays; `annBooking` books Ann, Bob her guest, on Monday 3 June 2030 at
 * 09:00 in Berlin (07:00 UTC).
 */
export async function notifyingSystem(notifier: Notifier, logger: Logger = silentLogger()) {
  const system = await buildEmbeddedSystem({
    logger,
    clock: new ManualClock('2030-06-01T00:00:00Z'),
    notifier,
    publicBaseUrl: 'https://slots.example/',
  });
  const api = apiSetup(inProcessClient(system.gateway));
  const owner = await api.user({ name: 'Alice Owner', email: 'alice@example.com', timezone: 'Europe/Berlin' });
  const hours = await api.schedule(owner, { name: 'Work', time_slots: weekly(['monday'], ['09:00', '17:00']) });
  const calendar = await api.calendar(owner, [hours.id], { meeting_duration_minutes: 30 });
  const annBooking = booking(calendar.id, '2030-06-03T09:00:00+02:00', '2030-06-03T09:30:00+02:00', {
    booked_by: 'ann@example.com',
    guests: ['bob@example.com'],
  });
  return { ...system, api, owner, hours, calendar, annBooking };
}
