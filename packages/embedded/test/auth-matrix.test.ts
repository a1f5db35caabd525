import { API_ROUTES, successStatus, type OperationId, type RouteDeclaration } from '@slotkeeper/contracts';
import { beforeAll, describe, expect, it } from 'vitest';
import { EMPTY_CALENDAR, useHarness, useIcsServer, type Harness, type Json } from './harness.js';

/**
 * Every declared route of the contract against every kind of credential: none, a malformed
 * header, a well-formed but unknown key, another user's key, the owner's key, and the cancel
 * token of the event in question.
 */
type Credential = 'none' | 'malformed' | 'unknown' | 'another user' | 'owner' | 'cancel token';
const CREDENTIALS: Credential[] = ['none', 'malformed', 'unknown', 'another user', 'owner', 'cancel token'];

/** The methods the harness sends. */
type SendMethod = Parameters<Harness['send']>[0];

/** A request of one route: its path parameters, query and body. */
interface Call {
  params?: Record<string, string>;
  query?: Record<string, string>;
  body?: unknown;
  /** The cancel token that goes with this call's event (event routes only). */
  token?: string;
  /** The owner's key, when the call acts on a user of its own (a key rotation spends it). */
  ownerKey?: string;
}

/** What each kind of credential gets on each kind of route. */
function expected(route: RouteDeclaration, credential: Credential): number {
  const ok = successStatus(route);
  if (credential === 'malformed' || credential === 'unknown') return 401;
  if (route.access === 'public') return ok;
  if (credential === 'owner') return ok;
  if (credential === 'another user') return 403;
  if (credential === 'cancel token' && route.access === 'owner-or-cancel-token') return ok;
  return 401;
}

const h = useHarness();
/** An outside calendar to connect: an empty iCalendar file on a local server. */
const ics = useIcsServer(() => EMPTY_CALENDAR);
let alice: Json;
let bob: Json;
let aliceHours: Json;
let aliceCal: Json;
let bobCal: Json;
let carols: Json;
let slot = 0;
let emails = 0;

/** Half hours after 07:00 UTC inside Monday's 09–12 and 13–17 Berlin (summer time). */
const MONDAY_SLOTS = [0, 1, 2, 3, 4, 5, 8, 9, 10, 11, 12, 13, 14, 15];

/** The next free half hour of the calendars' Monday hours, week after week. */
function nextSlot() {
  const week = Math.floor(slot / MONDAY_SLOTS.length);
  const inDay = MONDAY_SLOTS[slot++ % MONDAY_SLOTS.length]!;
  const start = Date.parse('2030-06-24T07:00:00Z') + week * 7 * 86_400_000 + inDay * 30 * 60_000;
  return { start_time: new Date(start).toISOString(), end_time: new Date(start + 30 * 60_000).toISOString() };
}

const booking = () => ({ calendar_id: aliceCal.id, title: 'Call', booked_by: 'carol@example.com', ...nextSlot() });

async function bookForCarol(): Promise<Json> {
  const response = await h.send('POST', '/api/event/events', booking(), { authorization: '' });
  expect(response.status).toBe(201);
  return response.body as Json;
}

/**
 * How to make a fresh request of each declared route, by operationId, so that each credential
 * meets the same situation. A route declared in contracts without an entry here fails below (and
 * the type check): declaring a route is what puts it in this matrix.
 */
const PREPARATIONS = {
  createUser: async () => ({ body: { name: 'New', email: `new${++emails}@example.com` } }),
  getUser: async () => ({ params: { user_id: alice.id } }),
  updateUser: async () => ({ params: { user_id: alice.id }, body: { name: 'Alice' } }),
  rotateApiKey: async () => {
    const user = await h.user();
    return { params: { user_id: user.id }, ownerKey: String(user.api_key) };
  },
  createSchedule: async () => ({ body: { user_id: alice.id, name: 'More', time_slots: [] } }),
  getSchedule: async () => ({ params: { schedule_id: aliceHours.id } }),
  listSchedules: async () => ({ query: { user_id: alice.id } }),
  updateSchedule: async () => {
    const spare = await h.schedule(alice.id, { name: 'Spare' });
    return { params: { schedule_id: spare.id }, body: { name: 'Renamed' } };
  },
  deleteSchedule: async () => {
    const spare = await h.schedule(alice.id, { name: 'Spare' });
    return { params: { schedule_id: spare.id } };
  },
  listCalendars: async () => ({ query: { user_id: alice.id } }),
  createCalendar: async () => ({
    body: { user_id: alice.id, name: 'More', availability_schedule_ids: [aliceHours.id] },
  }),
  getCalendar: async () => ({ params: { calendar_id: aliceCal.id } }),
  updateCalendar: async () => ({ params: { calendar_id: aliceCal.id }, body: { name: 'Intro calls' } }),
  deleteCalendar: async () => {
    const spare = await h.calendar(alice.id, [aliceHours.id]);
    return { params: { calendar_id: spare.id } };
  },
  getPublicCalendar: async () => ({ params: { calendar_id: aliceCal.id } }),
  updateLink: async () => ({
    params: { calendar_id: aliceCal.id, schedule_id: aliceHours.id },
    body: { expires_on: null },
  }),
  linkSchedule: async () => {
    const extra = await h.schedule(alice.id, { name: 'Extra' });
    return { params: { calendar_id: aliceCal.id }, body: { availability_schedule_id: extra.id } };
  },
  unlinkSchedule: async () => {
    const extra = await h.schedule(alice.id, { name: 'Extra' });
    const linked = await h.send('POST', `/api/calendar/calendars/${aliceCal.id}/availability_schedules`, {
      availability_schedule_id: extra.id,
    });
    expect(linked.status).toBe(201);
    return { params: { calendar_id: aliceCal.id, schedule_id: extra.id } };
  },
  listCalendarEvents: async () => ({ params: { calendar_id: aliceCal.id } }),
  getAvailability: async () => ({
    params: { calendar_id: aliceCal.id },
    query: { from: '2030-06-24T00:00:00Z', to: '2030-06-25T00:00:00Z' },
  }),
  compareCalendars: async () => ({ query: { calendar_ids: `${aliceCal.id},${bobCal.id}`, date: '2030-06-24' } }),
  bookEvent: async () => ({ body: booking() }),
  getEvent: async () => ({ params: { event_id: carols.id }, token: String(carols.cancel_token) }),
  cancelEvent: async () => {
    const event = await bookForCarol();
    return { params: { event_id: event.id }, token: String(event.cancel_token) };
  },
  rescheduleEvent: async () => {
    const event = await bookForCarol();
    return { params: { event_id: event.id }, token: String(event.cancel_token), body: nextSlot() };
  },
  createBusySource: async () => ({ params: { calendar_id: aliceCal.id }, body: { kind: 'ics', url: ics.url } }),
  listBusySources: async () => ({ params: { calendar_id: aliceCal.id } }),
  deleteBusySource: async () => {
    const source = await h.send('POST', `/api/calendar/calendars/${aliceCal.id}/busy_sources`, {
      kind: 'ics',
      url: ics.url,
    });
    expect(source.status).toBe(201);
    return { params: { calendar_id: aliceCal.id, source_id: (source.body as Json).id } };
  },
  createFeedToken: async () => ({ params: { calendar_id: aliceCal.id } }),
  getCalendarFeed: async () => {
    const created = await h.send('POST', `/api/calendar/calendars/${aliceCal.id}/feed_token`);
    expect(created.status).toBe(201);
    const token = new URL(String((created.body as Json).feed_url)).searchParams.get('token')!;
    return { params: { calendar_id: aliceCal.id }, query: { token } };
  },
  createWebhook: async () => ({
    params: { user_id: alice.id },
    body: { url: 'http://127.0.0.1:9/hooks', events: ['event.booked'] },
  }),
  listWebhooks: async () => ({ params: { user_id: alice.id } }),
  deleteWebhook: async () => ({ params: { user_id: alice.id, webhook_id: (await aliceWebhook()).id } }),
  listWebhookDeliveries: async () => ({ params: { user_id: alice.id, webhook_id: (await aliceWebhook()).id } }),
} satisfies Record<OperationId, () => Promise<Call>>;

/** A new webhook of Alice's (to a port nothing listens on: no change is made while it exists). */
async function aliceWebhook(): Promise<Json> {
  const created = await h.send('POST', `/api/user/users/${alice.id}/webhooks`, {
    url: 'http://127.0.0.1:9/hooks',
    events: ['event.canceled'],
  });
  expect(created.status).toBe(201);
  return created.body as Json;
}

const preparationOf = (route: RouteDeclaration): (() => Promise<Call>) | undefined =>
  (PREPARATIONS as Partial<Record<string, () => Promise<Call>>>)[route.operationId];

/** The request a call of this route makes: its path with the parameters filled in, and its query. */
function urlOf(route: RouteDeclaration, call: Call): string {
  const path = route.path.replace(/:(\w+)/g, (_, name: string) => {
    const value = call.params?.[name];
    if (value === undefined) throw new Error(`${route.operationId}: no value for :${name}`);
    return encodeURIComponent(value);
  });
  const query = new URLSearchParams(call.query).toString();
  return query ? `${path}?${query}` : path;
}

function authorization(credential: Credential, call: Call): string {
  switch (credential) {
    case 'none':
      return '';
    case 'malformed':
      return `Basic ${Buffer.from('alice:secret').toString('base64')}`;
    case 'unknown':
      return `Bearer sk_${alice.id}_${'A'.repeat(43)}`;
    case 'another user':
      return `Bearer ${String(bob.api_key)}`;
    case 'owner':
      return `Bearer ${call.ownerKey ?? String(alice.api_key)}`;
    case 'cancel token':
      return `Bearer ${call.token ?? String(carols.cancel_token)}`;
  }
}

beforeAll(async () => {
  alice = await h.user();
  bob = await h.user();
  aliceHours = await h.schedule(alice.id);
  aliceCal = await h.calendar(alice.id, [aliceHours.id]);
  bobCal = await h.calendar(bob.id, [(await h.schedule(bob.id)).id]);
  carols = await bookForCarol();
});

describe('who may call what', () => {
  it('prepares only declared routes', () => {
    const declared = API_ROUTES.map((route) => route.operationId);
    expect(declared.length).toBeGreaterThan(0);
    expect(declared).toEqual(expect.arrayContaining(Object.keys(PREPARATIONS)));
  });

  for (const route of API_ROUTES) {
    describe(`${route.method} ${route.path}: ${route.operationId} (${route.access})`, () => {
      it.each(CREDENTIALS)('with %s credentials', async (credential) => {
        const prepare = preparationOf(route);
        if (!prepare) expect.fail(`${route.operationId} is declared, but the auth matrix has no preparation for it`);
        const call = await prepare();
        const response = await h.send(route.method as SendMethod, urlOf(route, call), call.body, {
          authorization: authorization(credential, call),
        });
        expect(response.status, JSON.stringify(response.body)).toBe(expected(route, credential));
        // Every answer a route gives is one its declaration lists.
        expect(Object.keys(route.schema.response)).toContain(String(response.status));
        if (response.status === 401 || response.status === 403) {
          expect(response.headers['content-type']).toContain('application/problem+json');
        }
        if (response.status === 401) expect(response.headers['www-authenticate']).toMatch(/^Bearer/);
      });
    });
  }

  it("refuses another event's cancel token with 403, and a made-up one for this event with 401", async () => {
    const other = await bookForCarol();
    const read = (token: string) =>
      h.send('GET', `/api/event/events/${carols.id}`, undefined, { authorization: `Bearer ${token}` });
    expect((await read(String(other.cancel_token))).status).toBe(403);
    expect((await read(`ct_${String(carols.id)}_${'B'.repeat(43)}`)).status).toBe(401);
  });

  it('shows an api key and a cancel token only in the answer that creates them', async () => {
    const created = await h.send('POST', '/api/user/users', { name: 'Dee', email: 'dee@example.com' });
    const key = String(created.body.api_key);
    expect(key).toMatch(/^sk_[0-9a-f]{24}_[\w-]{43}$/);
    const read = await h.send('GET', `/api/user/users/${created.body.id}`, undefined, {
      authorization: `Bearer ${key}`,
    });
    expect(JSON.stringify(read.body)).not.toContain(key);
    expect(read.body).not.toHaveProperty('api_key');
    const event = await h.send('GET', `/api/event/events/${carols.id}`, undefined, {
      authorization: `Bearer ${String(carols.cancel_token)}`,
    });
    expect(event.body).not.toHaveProperty('cancel_token');
  });
});
