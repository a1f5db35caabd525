import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  ApiError,
  apiSetup,
  inProcessClient,
  type Availability,
  type BookedEvent,
  type Calendar,
  type Comparison,
  type CreatedUser,
  type Event,
  type Injectable,
  type NewBooking,
  type NewSchedule,
  type Schedule,
  type Weekday,
} from '../src/api/index.js';

type Injected = Parameters<Injectable['inject']>[0];

/** An in-process server that records what it was sent and answers `status` with `body`. */
function server(status: number, body?: unknown, headers: Record<string, string | string[]> = {}) {
  const received: Injected[] = [];
  const injectable: Injectable = {
    inject: async (request) => {
      received.push(request);
      const json = body === undefined ? '' : JSON.stringify(body);
      return {
        statusCode: status,
        headers: { ...(json && { 'content-type': 'application/json' }), ...headers },
        rawPayload: Buffer.from(json),
      };
    },
  };
  return { injectable, received };
}

describe('the API client over inject', () => {
  it('when a typed request is sent, then inject gets its method, path, query, headers and JSON body', async () => {
    const { injectable, received } = server(200, { calendar_id: 'c', from: 'a', to: 'b', free: [] });
    const client = inProcessClient(injectable);
    const { data } = await client.GET('/api/calendar/calendars/{calendar_id}/availability', {
      params: { path: { calendar_id: 'c1' }, query: { from: '2030-01-01T00:00:00Z', to: '2030-01-02T00:00:00Z' } },
      headers: { authorization: 'Bearer k' },
    });
    expect(data?.free).toEqual([]);
    expect(received[0]).toMatchObject({
      method: 'GET',
      url: '/api/calendar/calendars/c1/availability?from=2030-01-01T00%3A00%3A00Z&to=2030-01-02T00%3A00%3A00Z',
      headers: { authorization: 'Bearer k' },
    });
    expect(received[0]).not.toHaveProperty('payload');

    await client.POST('/api/user/users', { body: { name: 'Ann', email: 'ann@example.com' } });
    expect(received[1]!.headers['content-type']).toBe('application/json');
    expect(JSON.parse(String(received[1]!.payload))).toEqual({ name: 'Ann', email: 'ann@example.com' });
  });

  it('when the server answers 204 with repeated headers, then the response has no body and every header value', async () => {
    const { injectable } = server(204, undefined, { 'set-cookie': ['a=1', 'b=2'] });
    const { data, response } = await inProcessClient(injectable).DELETE('/api/event/events/{event_id}', {
      params: { path: { event_id: 'e1' } },
    });
    expect(response.status).toBe(204);
    expect(data).toBeUndefined();
    expect(response.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
  });

  it('when a setup request is answered otherwise than it must be, then it throws an ApiError naming the route, status and problem', async () => {
    const problem = { type: 'about:blank', title: 'Conflict', status: 409 };
    const { injectable } = server(409, problem);
    const attempt = apiSetup(inProcessClient(injectable)).user();
    await expect(attempt).rejects.toBeInstanceOf(ApiError);
    await expect(attempt).rejects.toMatchObject({ status: 409, body: problem });
    await expect(attempt).rejects.toThrow('/api/user/users answered 409');
  });
});

describe('the types derived from the generated paths', () => {
  it('name the bodies the API takes and answers (none of them collapses to never)', () => {
    expectTypeOf<CreatedUser['api_key']>().toEqualTypeOf<string>();
    expectTypeOf<NewSchedule['time_slots'][number]['day_of_week']>().toEqualTypeOf<Weekday>();
    expectTypeOf<Weekday>().toEqualTypeOf<
      'monday' | 'tuesday' | 'wednesday' | 'thursday' | 'friday' | 'saturday' | 'sunday'
    >();
    expectTypeOf<Calendar['id']>().toEqualTypeOf<string>();
    expectTypeOf<NewBooking['calendar_id']>().toEqualTypeOf<string>();
    expectTypeOf<BookedEvent['cancel_token']>().toEqualTypeOf<string>();
    expectTypeOf<Event['id']>().toEqualTypeOf<string>();
    expectTypeOf<Availability['free']>().toBeArray();
    expectTypeOf<Comparison>().not.toBeNever();
    expectTypeOf<Schedule['timezone']>().toEqualTypeOf<string>();
  });
});
