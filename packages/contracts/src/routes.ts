import { z } from 'zod';
import { availabilityQuery, availabilityResponse, compareQuery, compareResponse } from './availability.js';
import {
  calendarParams,
  calendarResponse,
  calendarScheduleParams,
  calendarSummaryResponse,
  createCalendarBody,
  listCalendarsQuery,
  publicCalendarResponse,
  scheduleLinkInput,
  updateCalendarBody,
  updateLinkBody,
} from './calendars.js';
import {
  busySourceParams,
  busySourceResponse,
  createBusySourceBody,
  feedQuery,
  feedTokenResponse,
} from './busy-sources.js';
import { problem, tzQuery } from './common.js';
import {
  bookedEventResponse,
  createEventBody,
  eventListQuery,
  eventParams,
  eventResponse,
  idempotencyHeaders,
  rescheduleBody,
} from './events.js';
import {
  createScheduleBody,
  listSchedulesQuery,
  scheduleParams,
  scheduleResponse,
  updateScheduleBody,
} from './schedules.js';
import {
  apiKeyResponse,
  createdUserResponse,
  createUserBody,
  updateUserBody,
  userParams,
  userResponse,
} from './users.js';
import {
  createdWebhookResponse,
  createWebhookBody,
  webhookDeliveryResponse,
  webhookParams,
  webhookResponse,
  webhookUserParams,
} from './webhooks.js';

export type ServiceName = 'user' | 'schedule' | 'calendar' | 'booking' | 'sync' | 'webhook';
export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';
export type RouteTag = 'users' | 'schedules' | 'calendars' | 'events' | 'availability' | 'busy sources' | 'webhooks';

/**
 * Who may call a route: anyone; the owner (api key); or, for one event, also its cancel token.
 * The owning service enforces it (an owner route refuses a request without credentials before
 * it looks at the input); the gateway documents it.
 */
export type Access = 'public' | 'owner' | 'owner-or-cancel-token';

/** Refusals a route may give besides those its declaration implies (see `problemStatuses`). */
export type Refusal = 403 | 404 | 409 | 422;

/** Every status a problem document may answer a route with. */
export type ProblemStatus = 400 | 401 | 413 | 415 | 429 | 503 | Refusal;

interface RouteInput {
  params?: z.ZodType | undefined;
  querystring?: z.ZodType | undefined;
  headers?: z.ZodType | undefined;
  body?: z.ZodType | undefined;
}

interface RouteSpec extends RouteInput {
  method: HttpMethod;
  /** In Fastify's form: `/api/user/users/:user_id`; it also answers with a trailing slash. */
  path: string;
  /** The service that owns the resource, and so serves the route. */
  service: ServiceName;
  access: Access;
  summary: string;
  tag: RouteTag;
  /** What it answers when it succeeds (one 2xx). */
  answers: Record<number, z.ZodType>;
  /** Refusals of this route in particular: an unknown id (404), a conflict (409), ... */
  refusals?: readonly Refusal[];
}

/** A route's schemas for Fastify: input, and an answer for every status it may give. */
export interface RouteSchema extends RouteInput {
  response: Record<number, z.ZodType>;
}

export interface RouteDeclaration<S extends RouteSchema = RouteSchema> {
  method: HttpMethod;
  path: string;
  service: ServiceName;
  access: Access;
  /** The operation's name in the OpenAPI document, and so in generated clients. */
  operationId: string;
  summary: string;
  tag: RouteTag;
  schema: S;
}

/**
 * The schemas of a declared route. Its type lists every problem status, whichever the route
 * gives: handlers throw refusals rather than send them, so only the input and success types matter.
 */
type SchemaOf<T extends RouteSpec> = Pick<T, keyof RouteInput & keyof T> & {
  response: T['answers'] & Record<ProblemStatus, typeof problem>;
};

/**
 * The refusals a route's declaration implies, in one place: 400 for input that fails its
 * schemas; 401 on every route (malformed or unknown credentials are refused on public routes
 * too); 403 where only the owner may call; 413 and 415 where it takes a body; 429 (the gateway's
 * rate limit) and 503 (a dependency unavailable, or shutting down) anywhere. The 405 of a method a
 * path does not serve belongs to the path, not to any route.
 */
function problemStatuses(spec: RouteSpec): ProblemStatus[] {
  const takesInput = Boolean(spec.params ?? spec.querystring ?? spec.headers ?? spec.body);
  const statuses = new Set<ProblemStatus>([
    ...(takesInput ? [400 as const] : []),
    401,
    ...(spec.access === 'public' ? [] : [403 as const]),
    ...(spec.refusals ?? []),
    ...(spec.body ? [413 as const, 415 as const] : []),
    429,
    503,
  ]);
  return [...statuses];
}

function declareRoute<T extends RouteSpec>(operationId: string, spec: T): RouteDeclaration<SchemaOf<T>> {
  const { method, path, service, access, summary, tag, answers, refusals: _refusals, ...input } = spec;
  const refusals = Object.fromEntries(problemStatuses(spec).map((status) => [status, problem]));
  // The spread copies exactly the input schemas the spec has, which is what SchemaOf<T> picks.
  const schema = { ...input, response: { ...answers, ...refusals } } as unknown as SchemaOf<T>;
  return { method, path, service, access, operationId, summary, tag, schema };
}

/** Declares routes named by their operationId. */
function declareAll<T extends Record<string, RouteSpec>>(
  specs: T,
): { [K in keyof T]: RouteDeclaration<SchemaOf<T[K]>> } {
  const entries = Object.entries(specs).map(([operationId, spec]) => [operationId, declareRoute(operationId, spec)]);
  return Object.fromEntries(entries) as { [K in keyof T]: RouteDeclaration<SchemaOf<T[K]>> };
}

const noContent = z.null().describe('No content');

/**
 * Every route of the public HTTP contract, declared once, by operationId: each service registers
 * its own from here (`serveRoute` in http-kit), the gateway forwards them and documents them
 * (OpenAPI), and the system tests iterate over them. Events, availability and comparison are
 * answered by the booking service: it owns the events, so these reads are strongly consistent
 * and use the very predicate a booking is checked with.
 */
export const apiRoutes = declareAll({
  createUser: {
    method: 'POST',
    path: '/api/user/users',
    service: 'user',
    access: 'public',
    tag: 'users',
    summary: 'Create a user',
    body: createUserBody,
    answers: { 201: createdUserResponse },
    refusals: [409],
  },
  getUser: {
    method: 'GET',
    path: '/api/user/users/:user_id',
    service: 'user',
    access: 'owner',
    tag: 'users',
    summary: 'Get a user',
    params: userParams,
    querystring: tzQuery,
    answers: { 200: userResponse },
    refusals: [404],
  },
  updateUser: {
    method: 'PATCH',
    path: '/api/user/users/:user_id',
    service: 'user',
    access: 'owner',
    tag: 'users',
    summary: "Change a user's name or time zone (`timezone: null` is UTC again)",
    params: userParams,
    body: updateUserBody,
    answers: { 200: userResponse },
    refusals: [404],
  },
  rotateApiKey: {
    method: 'POST',
    path: '/api/user/users/:user_id/api_key',
    service: 'user',
    access: 'owner',
    tag: 'users',
    summary: 'Replace the api key: the new one is shown once; the old one is refused from the very next request',
    params: userParams,
    answers: { 201: apiKeyResponse },
    refusals: [404],
  },
  createSchedule: {
    method: 'POST',
    path: '/api/schedule/availability_schedules',
    service: 'schedule',
    access: 'owner',
    tag: 'schedules',
    summary: "Create an availability schedule (timezone defaults to the user's)",
    body: createScheduleBody,
    answers: { 201: scheduleResponse },
    refusals: [404],
  },
  getSchedule: {
    method: 'GET',
    path: '/api/schedule/availability_schedules/:schedule_id',
    service: 'schedule',
    access: 'owner',
    tag: 'schedules',
    summary: 'Get an availability schedule',
    params: scheduleParams,
    querystring: tzQuery,
    answers: { 200: scheduleResponse },
    refusals: [404],
  },
  listSchedules: {
    method: 'GET',
    path: '/api/schedule/availability_schedules',
    service: 'schedule',
    access: 'owner',
    tag: 'schedules',
    summary: "List a user's availability schedules",
    querystring: listSchedulesQuery.extend(tzQuery.shape),
    answers: { 200: z.array(scheduleResponse) },
    refusals: [404],
  },
  updateSchedule: {
    method: 'PATCH',
    path: '/api/schedule/availability_schedules/:schedule_id',
    service: 'schedule',
    access: 'owner',
    tag: 'schedules',
    summary:
      'Change a schedule (a list replaces the whole list); every linked calendar offers the new hours once this answers',
    params: scheduleParams,
    body: updateScheduleBody,
    answers: { 200: scheduleResponse },
    refusals: [404],
  },
  deleteSchedule: {
    method: 'DELETE',
    path: '/api/schedule/availability_schedules/:schedule_id',
    service: 'schedule',
    access: 'owner',
    tag: 'schedules',
    summary: 'Delete a schedule; 409 while a calendar links it',
    params: scheduleParams,
    answers: { 204: noContent },
    refusals: [404, 409],
  },
  createCalendar: {
    method: 'POST',
    path: '/api/calendar/calendars',
    service: 'calendar',
    access: 'owner',
    tag: 'calendars',
    summary: 'Create a calendar linked to schedules of its owner',
    body: createCalendarBody,
    answers: { 201: calendarResponse },
    refusals: [404],
  },
  listCalendars: {
    method: 'GET',
    path: '/api/calendar/calendars',
    service: 'calendar',
    access: 'owner',
    tag: 'calendars',
    summary: "List a user's calendars (without their events)",
    querystring: listCalendarsQuery,
    answers: { 200: z.array(calendarSummaryResponse) },
    refusals: [404],
  },
  getCalendar: {
    method: 'GET',
    path: '/api/calendar/calendars/:calendar_id',
    service: 'calendar',
    access: 'owner',
    tag: 'calendars',
    summary: 'Get a calendar with its linked schedules and confirmed events (events may lag a booking by milliseconds)',
    params: calendarParams,
    querystring: tzQuery,
    answers: { 200: calendarResponse },
    refusals: [404],
  },
  updateCalendar: {
    method: 'PATCH',
    path: '/api/calendar/calendars/:calendar_id',
    service: 'calendar',
    access: 'owner',
    tag: 'calendars',
    summary: 'Change the name or booking rules (`null` clears a rule); in force once this answers',
    params: calendarParams,
    body: updateCalendarBody,
    answers: { 200: calendarResponse },
    refusals: [404],
  },
  deleteCalendar: {
    method: 'DELETE',
    path: '/api/calendar/calendars/:calendar_id',
    service: 'calendar',
    access: 'owner',
    tag: 'calendars',
    summary: 'Delete a calendar; 409 while it has confirmed events that have not ended',
    params: calendarParams,
    answers: { 204: noContent },
    refusals: [404, 409],
  },
  getPublicCalendar: {
    method: 'GET',
    path: '/api/calendar/calendars/:calendar_id/public',
    service: 'calendar',
    access: 'public',
    tag: 'calendars',
    summary: "What a booking page shows of a calendar (`timezone` is the owner's)",
    params: calendarParams,
    answers: { 200: publicCalendarResponse },
    refusals: [404],
  },
  linkSchedule: {
    method: 'POST',
    path: '/api/calendar/calendars/:calendar_id/availability_schedules',
    service: 'calendar',
    access: 'owner',
    tag: 'calendars',
    summary: 'Link one more schedule, optionally until expires_on',
    params: calendarParams,
    body: scheduleLinkInput,
    answers: { 201: calendarResponse },
    refusals: [404],
  },
  updateLink: {
    method: 'PATCH',
    path: '/api/calendar/calendars/:calendar_id/availability_schedules/:schedule_id',
    service: 'calendar',
    access: 'owner',
    tag: 'calendars',
    summary: 'Change when a link stops being in force (`expires_on: null`: never); in force once this answers',
    params: calendarScheduleParams,
    body: updateLinkBody,
    answers: { 200: calendarResponse },
    refusals: [404],
  },
  unlinkSchedule: {
    method: 'DELETE',
    path: '/api/calendar/calendars/:calendar_id/availability_schedules/:schedule_id',
    service: 'calendar',
    access: 'owner',
    tag: 'calendars',
    summary: 'Unlink a schedule',
    params: calendarScheduleParams,
    answers: { 204: noContent },
    refusals: [404],
  },
  listCalendarEvents: {
    method: 'GET',
    path: '/api/calendar/calendars/:calendar_id/events',
    service: 'booking',
    access: 'owner',
    tag: 'events',
    summary:
      'Events overlapping [from, to), by status, in pages (`Link: <…>; rel="next"`), sorted by start; strongly consistent',
    params: calendarParams,
    querystring: eventListQuery,
    answers: { 200: z.array(eventResponse) },
    refusals: [404],
  },
  getAvailability: {
    method: 'GET',
    path: '/api/calendar/calendars/:calendar_id/availability',
    service: 'booking',
    access: 'public',
    tag: 'availability',
    summary:
      'Free time and bookable slots in [from, to), at most 31 days and 1 hour; `explain=true` is for the owner only',
    params: calendarParams,
    querystring: availabilityQuery,
    answers: { 200: availabilityResponse },
    // 403: `explain` with another user's key.
    refusals: [403, 404],
  },
  compareCalendars: {
    method: 'GET',
    path: '/api/calendar/compare',
    service: 'booking',
    access: 'public',
    tag: 'availability',
    summary:
      'Times when all of 2–20 calendars are free, for a date (in tz) or a from/to range; with quorum=k, the ' +
      'maximal intervals in which at least k are free throughout (at most 1,000, else 400)',
    querystring: compareQuery,
    answers: { 200: compareResponse },
    refusals: [404],
  },
  bookEvent: {
    method: 'POST',
    path: '/api/event/events',
    service: 'booking',
    access: 'public',
    tag: 'events',
    summary: 'Book an event; never overlaps another event of the calendar',
    headers: idempotencyHeaders,
    body: createEventBody,
    answers: { 201: bookedEventResponse },
    refusals: [404, 409, 422],
  },
  getEvent: {
    method: 'GET',
    path: '/api/event/events/:event_id',
    service: 'booking',
    access: 'owner-or-cancel-token',
    tag: 'events',
    summary: 'Get an event',
    params: eventParams,
    querystring: tzQuery,
    answers: { 200: eventResponse },
    refusals: [404],
  },
  cancelEvent: {
    method: 'DELETE',
    path: '/api/event/events/:event_id',
    service: 'booking',
    access: 'owner-or-cancel-token',
    tag: 'events',
    summary: 'Cancel an event; its time is free again',
    params: eventParams,
    answers: { 204: noContent },
    refusals: [404],
  },
  rescheduleEvent: {
    method: 'POST',
    path: '/api/event/events/:event_id/reschedule',
    service: 'booking',
    access: 'owner-or-cancel-token',
    tag: 'events',
    summary:
      'Move an event to new times in one atomic step, checked as a new booking (its own old time excluded); ' +
      'refused, it keeps its old time',
    params: eventParams,
    headers: idempotencyHeaders,
    body: rescheduleBody,
    answers: { 200: eventResponse },
    refusals: [404, 409, 422],
  },
  createBusySource: {
    method: 'POST',
    path: '/api/calendar/calendars/:calendar_id/busy_sources',
    service: 'sync',
    access: 'owner',
    tag: 'busy sources',
    summary:
      'Connect an outside calendar (iCalendar URL or CalDAV collection) whose busy times block this calendar; ' +
      'synced once before the answer when that takes under 5 s',
    params: calendarParams,
    body: createBusySourceBody,
    answers: { 201: busySourceResponse },
    // 409: the calendar has its most sources already.
    refusals: [404, 409],
  },
  listBusySources: {
    method: 'GET',
    path: '/api/calendar/calendars/:calendar_id/busy_sources',
    service: 'sync',
    access: 'owner',
    tag: 'busy sources',
    summary: "The calendar's busy sources with their sync status",
    params: calendarParams,
    answers: { 200: z.array(busySourceResponse) },
    refusals: [404],
  },
  deleteBusySource: {
    method: 'DELETE',
    path: '/api/calendar/calendars/:calendar_id/busy_sources/:source_id',
    service: 'sync',
    access: 'owner',
    tag: 'busy sources',
    summary: 'Disconnect a busy source: its busy times stop blocking when this answers',
    params: busySourceParams,
    answers: { 204: noContent },
    refusals: [404],
  },
  createFeedToken: {
    method: 'POST',
    path: '/api/calendar/calendars/:calendar_id/feed_token',
    service: 'sync',
    access: 'owner',
    tag: 'busy sources',
    summary: "A new secret URL of the calendar's events as iCalendar; the previous one stops working",
    params: calendarParams,
    answers: { 201: feedTokenResponse },
    refusals: [404],
  },
  getCalendarFeed: {
    method: 'GET',
    path: '/api/calendar/calendars/:calendar_id/feed.ics',
    service: 'sync',
    access: 'public',
    tag: 'busy sources',
    summary:
      "The calendar's events from 30 days ago on as text/calendar (UID = event id, SEQUENCE, canceled as " +
      'STATUS:CANCELLED); the token is the only credential',
    params: calendarParams,
    querystring: feedQuery,
    answers: { 200: z.string().meta({ contentMediaType: 'text/calendar', description: 'RFC 5545 iCalendar' }) },
    // 404 for an unknown calendar and for a token that is not its current one alike.
    refusals: [404],
  },
  createWebhook: {
    method: 'POST',
    path: '/api/user/users/:user_id/webhooks',
    service: 'webhook',
    access: 'owner',
    tag: 'webhooks',
    summary:
      "Subscribe an endpoint to changes of the user's bookings (optionally of some calendars), POSTed signed " +
      '(Standard Webhooks) and retried for 24 hours; the signing secret is shown this one time',
    params: webhookUserParams,
    body: createWebhookBody,
    answers: { 201: createdWebhookResponse },
    // 404/403: a named calendar that does not exist or is another user's; 409: the most webhooks already.
    refusals: [404, 409],
  },
  listWebhooks: {
    method: 'GET',
    path: '/api/user/users/:user_id/webhooks',
    service: 'webhook',
    access: 'owner',
    tag: 'webhooks',
    summary: "The user's webhooks, without their secrets",
    params: webhookUserParams,
    answers: { 200: z.array(webhookResponse) },
    refusals: [404],
  },
  deleteWebhook: {
    method: 'DELETE',
    path: '/api/user/users/:user_id/webhooks/:webhook_id',
    service: 'webhook',
    access: 'owner',
    tag: 'webhooks',
    summary: 'Remove a webhook and its log: nothing more is sent to it, retries included',
    params: webhookParams,
    answers: { 204: noContent },
    refusals: [404],
  },
  listWebhookDeliveries: {
    method: 'GET',
    path: '/api/user/users/:user_id/webhooks/:webhook_id/deliveries',
    service: 'webhook',
    access: 'owner',
    tag: 'webhooks',
    summary: "A webhook's deliveries with their attempts, newest first, at most 100",
    params: webhookParams,
    answers: { 200: z.array(webhookDeliveryResponse) },
    refusals: [404],
  },
});

export type OperationId = keyof typeof apiRoutes;

/** The same declarations as a list, in the order of the contract. */
export const API_ROUTES: readonly RouteDeclaration[] = Object.values(apiRoutes);

/** The status a route answers when it succeeds. */
export const successStatus = (route: RouteDeclaration): number =>
  Number(Object.keys(route.schema.response).find((status) => Number(status) < 300));
