import { beforeAll, describe, expect, it } from 'vitest';
import { harness, type Harness, type Json } from './harness.js';

/**
 * Every route of the contract against every kind of credential: none, a malformed header, a
 * well-formed but unknown key, another user's key, the owner's key, and the cancel token of the
 * event in question.
 */
type Credential = 'none' | 'malformed' | 'unknown' | 'another user' | 'owner' | 'cancel token';
const CREDENTIALS: Credential[] = ['none', 'malformed', 'unknown', 'another user', 'owner', 'cancel token'];

interface Call {
  method: 'GET' | 'POST' | 'DELETE';
  url: string;
  body?: unknown;
  /** The cancel token that goes with this call's event (event routes only). */
  token?: string;
}

interface Route {
  name: string;
  access: 'public' | 'owner' | 'owner-or-cancel-token';
  ok: number;
  /** Builds a fresh request, so that each credential meets the same situation. */
  prepare(): Promise<Call>;
}

/** What each kind of credential gets on each kind of route. */
function expected(route: Route, credential: Credential): number {
  if (credential === 'malformed' || credential === 'unknown') return 401;
  if (route.access === 'public') return route.ok;
  if (credential === 'owner') return route.ok;
  if (credential === 'another user') return 403;
  if (credential === 'cancel token' && route.access === 'owner-or-cancel-token') return route.ok;
  return 401;
}

let h: Harness;
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

const ROUTES: Route[] = [
  {
    name: 'POST /api/user/users',
    access: 'public',
    ok: 201,
    prepare: async () => ({
      method: 'POST',
      url: '/api/user/users',
      body: { name: 'New', email: `new${++emails}@example.com` },
    }),
  },
  {
    name: 'GET /api/user/users/{id}',
    access: 'owner',
    ok: 200,
    prepare: async () => ({ method: 'GET', url: `/api/user/users/${alice.id}` }),
  },
  {
    name: 'POST /api/schedule/availability_schedules',
    access: 'owner',
    ok: 201,
    prepare: async () => ({
      method: 'POST',
      url: '/api/schedule/availability_schedules',
      body: { user_id: alice.id, name: 'More', time_slots: [] },
    }),
  },
  {
    name: 'GET /api/schedule/availability_schedules/{id}',
    access: 'owner',
    ok: 200,
    prepare: async () => ({ method: 'GET', url: `/api/schedule/availability_schedules/${aliceHours.id}` }),
  },
  {
    name: 'GET /api/schedule/availability_schedules?user_id=',
    access: 'owner',
    ok: 200,
    prepare: async () => ({ method: 'GET', url: `/api/schedule/availability_schedules?user_id=${alice.id}` }),
  },
  {
    name: 'POST /api/calendar/calendars',
    access: 'owner',
    ok: 201,
    prepare: async () => ({
      method: 'POST',
      url: '/api/calendar/calendars',
      body: { user_id: alice.id, name: 'More', availability_schedule_ids: [aliceHours.id] },
    }),
  },
  {
    name: 'GET /api/calendar/calendars/{id}',
    access: 'owner',
    ok: 200,
    prepare: async () => ({ method: 'GET', url: `/api/calendar/calendars/${aliceCal.id}` }),
  },
  {
    name: 'POST /api/calendar/calendars/{id}/availability_schedules',
    access: 'owner',
    ok: 201,
    prepare: async () => {
      const extra = await h.schedule(alice.id, { name: 'Extra' });
      return {
        method: 'POST',
        url: `/api/calendar/calendars/${aliceCal.id}/availability_schedules`,
        body: { availability_schedule_id: extra.id },
      };
    },
  },
  {
    name: 'DELETE /api/calendar/calendars/{id}/availability_schedules/{schedule_id}',
    access: 'owner',
    ok: 204,
    prepare: async () => {
      const extra = await h.schedule(alice.id, { name: 'Extra' });
      const linked = await h.send('POST', `/api/calendar/calendars/${aliceCal.id}/availability_schedules`, {
        availability_schedule_id: extra.id,
      });
      expect(linked.status).toBe(201);
      return { method: 'DELETE', url: `/api/calendar/calendars/${aliceCal.id}/availability_schedules/${extra.id}` };
    },
  },
  {
    name: 'GET /api/calendar/calendars/{id}/events',
    access: 'owner',
    ok: 200,
    prepare: async () => ({ method: 'GET', url: `/api/calendar/calendars/${aliceCal.id}/events` }),
  },
  {
    name: 'GET /api/calendar/calendars/{id}/availability',
    access: 'public',
    ok: 200,
    prepare: async () => ({
      method: 'GET',
      url: `/api/calendar/calendars/${aliceCal.id}/availability?from=2030-06-24T00:00:00Z&to=2030-06-25T00:00:00Z`,
    }),
  },
  {
    name: 'GET /api/calendar/compare',
    access: 'public',
    ok: 200,
    prepare: async () => ({
      method: 'GET',
      url: `/api/calendar/compare?calendar_ids=${aliceCal.id},${bobCal.id}&date=2030-06-24`,
    }),
  },
  {
    name: 'POST /api/event/events',
    access: 'public',
    ok: 201,
    prepare: async () => ({ method: 'POST', url: '/api/event/events', body: booking() }),
  },
  {
    name: 'GET /api/event/events/{id}',
    access: 'owner-or-cancel-token',
    ok: 200,
    prepare: async () => ({
      method: 'GET',
      url: `/api/event/events/${carols.id}`,
      token: String(carols.cancel_token),
    }),
  },
  {
    name: 'DELETE /api/event/events/{id}',
    access: 'owner-or-cancel-token',
    ok: 204,
    prepare: async () => {
      const event = await bookForCarol();
      return { method: 'DELETE', url: `/api/event/events/${event.id}`, token: String(event.cancel_token) };
    },
  },
];

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
      return `Bearer ${String(alice.api_key)}`;
    case 'cancel token':
      return `Bearer ${call.token ?? String(carols.cancel_token)}`;
  }
}

beforeAll(async () => {
  h = await harness();
  alice = await h.user();
  bob = await h.user();
  aliceHours = await h.schedule(alice.id);
  aliceCal = await h.calendar(alice.id, [aliceHours.id]);
  bobCal = await h.calendar(bob.id, [(await h.schedule(bob.id)).id]);
  carols = await bookForCarol();
});

describe('who may call what', () => {
  it('covers every route of the contract', () => {
    expect(ROUTES).toHaveLength(15);
  });

  describe.each(ROUTES)('$name ($access)', (route) => {
    it.each(CREDENTIALS)('with %s credentials', async (credential) => {
      const call = await route.prepare();
      const response = await h.send(call.method, call.url, call.body, {
        authorization: authorization(credential, call),
      });
      expect(response.status, JSON.stringify(response.body)).toBe(expected(route, credential));
      if (response.status === 401 || response.status === 403) {
        expect(response.headers['content-type']).toContain('application/problem+json');
      }
      if (response.status === 401) expect(response.headers['www-authenticate']).toMatch(/^Bearer/);
    });
  });

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
