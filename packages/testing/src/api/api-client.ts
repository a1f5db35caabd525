/**
 * The typed client of the public API: openapi-fetch over the types generated from the document
 * the gateway serves (@slotkeeper/contracts/openapi-types), against a base URL or an in-process fetch.
 */
import createClient, { type Client, type ClientOptions } from 'openapi-fetch';
import type { components, paths } from '@slotkeeper/contracts/openapi-types';

export type ApiClient = Client<paths>;
export type { paths };

type Method = 'get' | 'post' | 'delete';
type Operation<P extends keyof paths, M extends Method> = NonNullable<paths[P][M]>;
type JsonContent<T> = T extends { content: { 'application/json': infer Body } } ? Body : never;

/** The JSON body a route takes. */
export type RequestBody<P extends keyof paths, M extends Method> = JsonContent<
  Operation<P, M> extends { requestBody?: infer Body } ? NonNullable<Body> : never
>;
/** The JSON body a route answers with `status`. */
export type ResponseBody<P extends keyof paths, M extends Method, S extends number> =
  Operation<P, M> extends { responses: infer Responses }
    ? S extends keyof Responses
      ? JsonContent<Responses[S]>
      : never
    : never;

export type NewUser = RequestBody<'/api/user/users', 'post'>;
export type CreatedUser = ResponseBody<'/api/user/users', 'post', 201>;
export type NewSchedule = RequestBody<'/api/schedule/availability_schedules', 'post'>;
export type Schedule = ResponseBody<'/api/schedule/availability_schedules', 'post', 201>;
export type TimeSlot = NewSchedule['time_slots'][number];
export type Weekday = TimeSlot['day_of_week'];
export type NewCalendar = RequestBody<'/api/calendar/calendars', 'post'>;
export type Calendar = ResponseBody<'/api/calendar/calendars', 'post', 201>;
export type NewBooking = RequestBody<'/api/event/events', 'post'>;
export type BookedEvent = ResponseBody<'/api/event/events', 'post', 201>;
export type Event = ResponseBody<'/api/event/events/{event_id}', 'get', 200>;
export type Availability = ResponseBody<'/api/calendar/calendars/{calendar_id}/availability', 'get', 200>;
export type Comparison = ResponseBody<'/api/calendar/compare', 'get', 200>;
export type Problem = components['schemas']['Problem'];

/**
 * A client of the gateway at `baseUrl`; with `fetch`, of whatever that fetch reaches (an
 * in-process server through `injectFetch`).
 */
export function apiClient(baseUrl: string, options: Omit<ClientOptions, 'baseUrl'> = {}): ApiClient {
  return createClient<paths>({ ...options, baseUrl });
}

/** The Authorization header of an api key or cancel token; none for no token. */
export const bearer = (token: string | undefined): Record<string, string> =>
  token ? { authorization: `Bearer ${token}` } : {};

/** What openapi-fetch answers: the parsed body of a success or of an error, and the response. */
export interface ApiResult<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** An answer other than the one a call needed, with its status and its (problem) body. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    request: string,
  ) {
    super(`${request} answered ${status}: ${JSON.stringify(body)}`);
    this.name = 'ApiError';
  }
}

/** The body of an answer that must have `status`; anything else throws an ApiError. */
export async function expectStatus<T>(pending: Promise<ApiResult<T>>, status: number): Promise<T> {
  const { data, error, response } = await pending;
  if (response.status !== status) {
    const url = response.url ? new URL(response.url) : undefined;
    throw new ApiError(response.status, error ?? data, url ? `${url.pathname}${url.search}` : 'the request');
  }
  return data as T;
}
