import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { API_ROUTES, type RouteDeclaration } from '@slotkeeper/contracts';
import { z } from 'zod';
import { NINE, NINE_THIRTY, useHarness, type Json } from './harness.js';

/** Every property name a schema takes as input, nested objects included. */
function fieldNames(schema: z.ZodType | undefined): string[] {
  const names = new Set<string>();
  const visit = (node: unknown): void => {
    if (node === null || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node)) {
      if (key === 'properties' && value && typeof value === 'object') Object.keys(value).forEach((n) => names.add(n));
      visit(value);
    }
  };
  if (schema) visit(z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }));
  return [...names];
}

/** A route's body and query field names, from its declaration, to mix with hostile values. */
const fieldsOf = (route: RouteDeclaration) => ({
  body: ['__proto__', 'constructor', ...fieldNames(route.schema.body)],
  query: fieldNames(route.schema.querystring),
});
const ALL_BODY_FIELDS = [...new Set(API_ROUTES.flatMap((route) => fieldsOf(route).body))];
const ALL_QUERY_FIELDS = [...new Set(API_ROUTES.flatMap((route) => fieldsOf(route).query))];

/** Mostly a route's own names, sometimes another route's (which it must refuse or ignore). */
const nameFrom = (own: string[], all: string[]) =>
  own.length === 0
    ? fc.constantFrom(...all)
    : fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...own) }, { weight: 1, arbitrary: fc.constantFrom(...all) });

/** Deeply nested arrays and objects, for parsers and validators that recurse. */
const deep = fc.integer({ min: 20, max: 400 }).map((depth) => {
  let value: unknown = 'x';
  for (let i = 0; i < depth; i++) value = i % 2 ? [value] : { a: value };
  return value;
});

describe('hostile input never hurts', () => {
  const h = useHarness();
  let valid: { user: Json; schedule: Json; calendar: Json };
  const booked = new Set<string>();

  beforeAll(async () => {
    const user = await h.user();
    const schedule = await h.schedule(user.id);
    valid = { user, schedule, calendar: await h.calendar(user.id, [schedule.id], { meeting_duration_minutes: 30 }) };
    // An event still to come: the owner's own key may reach DELETE of this very calendar, which
    // must then be refused (409) rather than take the events below with it.
    const upcoming = await h.book(valid.calendar.id, NINE, NINE_THIRTY);
    expect(upcoming.status).toBe(201);
    booked.add(upcoming.body.id);
  });

  const hostileString = () =>
    fc.oneof(
      fc.string(),
      fc.string({ unit: 'grapheme', maxLength: 50 }),
      fc.constantFrom(
        '{"$gt": ""}',
        '$where',
        '../../etc/passwd',
        '%00',
        '\u0000',
        '2030-02-30T09:00:00Z',
        '2030-06-24T09:00:00',
        '24:00',
        '25:61',
        'Mars/Olympus',
        'UTC',
        '0123456789abcdef01234567',
        'A@B.CO',
        '-1',
        '1e309',
        'NaN',
        'true',
      ),
      fc.integer({ min: 10_000, max: 80_000 }).map((n) => 'x'.repeat(n)),
      fc.constant(() => valid.calendar.id).map((f) => f()),
    );
  const hostileValue = fc.oneof(
    hostileString(),
    fc.jsonValue(),
    deep,
    fc.constant({ $gt: '' }),
    fc.constant({ $ne: null }),
    fc.array(hostileString(), { maxLength: 5 }),
  );
  const body = (fields: string[]) =>
    fc.oneof(
      fc.dictionary(nameFrom(fields, ALL_BODY_FIELDS), hostileValue, { maxKeys: 8 }).map((b) => JSON.stringify(b)),
      fc.jsonValue().map((v) => JSON.stringify(v)),
      deep.map((v) => JSON.stringify(v)),
      fc.constantFrom(
        '{"name": "a", "name": {"$gt": ""}}',
        '{"a":',
        '[',
        'null',
        '',
        '\u0000',
        '{"__proto__": {"admin": true}}',
      ),
      fc.string({ maxLength: 200 }),
    );
  const request = fc.constantFrom(...API_ROUTES).chain((route) => {
    const fields = fieldsOf(route);
    return fc.record({
      route: fc.constant(route),
      param: hostileString(),
      query: fc.array(fc.tuple(nameFrom(fields.query, ALL_QUERY_FIELDS), hostileString()), { maxLength: 4 }),
      body: body(fields.body),
      contentType: fc.constantFrom(
        'application/json',
        'application/json; charset=utf-8',
        'text/plain',
        'application/x-www-form-urlencoded',
      ),
      // Mostly the owner's key, so that owner routes judge the input rather than refuse at the door.
      authorization: fc.oneof(
        { weight: 6, arbitrary: fc.constant(() => `Bearer ${String(valid.user.api_key)}`).map((f) => f()) },
        { weight: 1, arbitrary: fc.constant('') },
        { weight: 1, arbitrary: fc.stringMatching(/^[\x21-\x7e ]{0,120}$/) },
        {
          weight: 1,
          arbitrary: fc
            .tuple(fc.constantFrom('sk_', 'ct_', ''), fc.stringMatching(/^[\w-]{0,60}$/))
            .map(([prefix, junk]) => `Bearer ${prefix}${junk}`),
        },
      ),
    });
  });

  it('when thousands of random and malformed requests hit every route, then none gets a 5xx', async () => {
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(request, async ({ route, param, query, body, contentType, authorization }) => {
        const path = route.path.replace(/:\w+/g, () => encodeURIComponent(param.slice(0, 2_000)));
        const search = query.map(([k, v]) => `${k}=${encodeURIComponent(v.slice(0, 2_000))}`).join('&');
        const response = await h.gateway.inject({
          method: route.method,
          url: search ? `${path}?${search}` : path,
          headers: { 'content-type': contentType, authorization },
          ...(route.schema.body ? { payload: body } : {}),
        });
        statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
        expect(response.statusCode, `${route.method} ${path}: ${response.body.slice(0, 300)}`).toBeLessThan(500);
        if (response.statusCode >= 400) {
          expect(response.headers['content-type']).toContain('application/problem+json');
        }
        if (route.operationId === 'bookEvent' && response.statusCode === 201) booked.add(response.json().id);
      }),
      { numRuns: 3_000 },
    );
    // Most requests must be refused for the right reason, not merely routed somewhere.
    expect([...statuses.keys()].every((status) => status < 500)).toBe(true);
    expect(statuses.get(400) ?? 0).toBeGreaterThan(1_000);
    expect(statuses.get(401) ?? 0).toBeGreaterThan(50);
  });

  it('when requests were refused, then nothing was stored: the calendar holds only the events that got a 201', async () => {
    const events = await h.send('GET', `/api/calendar/calendars/${valid.calendar.id}/events`);
    expect(events.status, JSON.stringify(events.body)).toBe(200);
    expect(new Set(events.body.map((e: { id: string }) => e.id))).toEqual(booked);
  });
});
