import * as c from '@slotkeeper/contracts';
import { z } from 'zod';

export type ServiceName = 'user' | 'schedule' | 'calendar' | 'booking';

export interface GatewayRoute {
  method: 'GET' | 'POST' | 'DELETE';
  url: string;
  /** The service that owns the resource. */
  service: ServiceName;
  /**
   * Who may call it: anyone; the owner (api key); or, for one event, also its cancel token.
   * The owning service enforces it; the gateway documents it and adds the 401/403 answers.
   */
  access: 'public' | 'owner' | 'owner-or-cancel-token';
  /** The operation's name in the OpenAPI document, and so in generated clients. */
  operationId: string;
  summary: string;
  tag: string;
  schema: {
    body?: z.ZodType;
    params?: z.ZodType;
    querystring?: z.ZodType;
    headers?: z.ZodType;
    response: Record<number, z.ZodType>;
  };
}

const p = c.problem;
const noContent = z.null().describe('No content');

/**
 * Every route of the public contract, the service that serves it, and its schemas for the
 * OpenAPI document. Events, availability and comparison are answered by the booking service:
 * it owns the events, so these reads are strongly consistent and use the very predicate a
 * booking is checked with.
 */
export const ROUTES: GatewayRoute[] = [
  {
    method: 'POST',
    url: '/api/user/users',
    operationId: 'createUser',
    access: 'public',
    service: 'user',
    tag: 'users',
    summary: 'Create a user',
    schema: { body: c.createUserBody, response: { 201: c.createdUserResponse, 400: p, 409: p } },
  },
  {
    method: 'GET',
    url: '/api/user/users/:user_id',
    operationId: 'getUser',
    access: 'owner',
    service: 'user',
    tag: 'users',
    summary: 'Get a user',
    schema: { params: c.userParams, querystring: c.tzQuery, response: { 200: c.userResponse, 400: p, 404: p } },
  },
  {
    method: 'POST',
    url: '/api/schedule/availability_schedules',
    operationId: 'createSchedule',
    access: 'owner',
    service: 'schedule',
    tag: 'schedules',
    summary: "Create an availability schedule (timezone defaults to the user's)",
    schema: { body: c.createScheduleBody, response: { 201: c.scheduleResponse, 400: p, 404: p } },
  },
  {
    method: 'GET',
    url: '/api/schedule/availability_schedules/:schedule_id',
    operationId: 'getSchedule',
    access: 'owner',
    service: 'schedule',
    tag: 'schedules',
    summary: 'Get an availability schedule',
    schema: { params: c.scheduleParams, querystring: c.tzQuery, response: { 200: c.scheduleResponse, 400: p, 404: p } },
  },
  {
    method: 'GET',
    url: '/api/schedule/availability_schedules',
    operationId: 'listSchedules',
    access: 'owner',
    service: 'schedule',
    tag: 'schedules',
    summary: "List a user's availability schedules",
    schema: {
      querystring: c.listSchedulesQuery.extend(c.tzQuery.shape),
      response: { 200: z.array(c.scheduleResponse), 400: p, 404: p },
    },
  },
  {
    method: 'POST',
    url: '/api/calendar/calendars',
    operationId: 'createCalendar',
    access: 'owner',
    service: 'calendar',
    tag: 'calendars',
    summary: 'Create a calendar linked to schedules of its owner',
    schema: { body: c.createCalendarBody, response: { 201: c.calendarResponse, 400: p, 403: p, 404: p } },
  },
  {
    method: 'GET',
    url: '/api/calendar/calendars/:calendar_id',
    operationId: 'getCalendar',
    access: 'owner',
    service: 'calendar',
    tag: 'calendars',
    summary: 'Get a calendar with its linked schedules and confirmed events (events may lag a booking by milliseconds)',
    schema: { params: c.calendarParams, querystring: c.tzQuery, response: { 200: c.calendarResponse, 400: p, 404: p } },
  },
  {
    method: 'POST',
    url: '/api/calendar/calendars/:calendar_id/availability_schedules',
    operationId: 'linkSchedule',
    access: 'owner',
    service: 'calendar',
    tag: 'calendars',
    summary: 'Link one more schedule, optionally until expires_on',
    schema: {
      params: c.calendarParams,
      body: c.scheduleLinkInput,
      response: { 201: c.calendarResponse, 400: p, 403: p, 404: p },
    },
  },
  {
    method: 'DELETE',
    url: '/api/calendar/calendars/:calendar_id/availability_schedules/:schedule_id',
    operationId: 'unlinkSchedule',
    access: 'owner',
    service: 'calendar',
    tag: 'calendars',
    summary: 'Unlink a schedule',
    schema: { params: c.calendarScheduleParams, response: { 204: noContent, 400: p, 404: p } },
  },
  {
    method: 'GET',
    url: '/api/calendar/calendars/:calendar_id/events',
    operationId: 'listCalendarEvents',
    access: 'owner',
    service: 'booking',
    tag: 'events',
    summary: 'Confirmed events overlapping [from, to), strongly consistent',
    schema: {
      params: c.calendarParams,
      querystring: c.eventListQuery,
      response: { 200: z.array(c.eventResponse), 400: p, 404: p },
    },
  },
  {
    method: 'GET',
    url: '/api/calendar/calendars/:calendar_id/availability',
    operationId: 'getAvailability',
    access: 'public',
    service: 'booking',
    tag: 'availability',
    summary:
      'Free time and bookable slots in [from, to), at most 31 days and 1 hour; `explain=true` is for the owner only',
    schema: {
      params: c.calendarParams,
      querystring: c.availabilityQuery,
      response: { 200: c.availabilityResponse, 400: p, 401: p, 403: p, 404: p },
    },
  },
  {
    method: 'GET',
    url: '/api/calendar/compare',
    operationId: 'compareCalendars',
    access: 'public',
    service: 'booking',
    tag: 'availability',
    summary:
      'Times when all of 2–20 calendars are free, for a date (in tz) or a from/to range; with quorum=k, the ' +
      'maximal intervals in which at least k are free throughout (at most 1,000, else 400)',
    schema: { querystring: c.compareQuery, response: { 200: c.compareResponse, 400: p, 404: p } },
  },
  {
    method: 'POST',
    url: '/api/event/events',
    operationId: 'bookEvent',
    access: 'public',
    service: 'booking',
    tag: 'events',
    summary: 'Book an event; never overlaps another event of the calendar',
    schema: {
      headers: c.idempotencyHeaders,
      body: c.createEventBody,
      response: { 201: c.bookedEventResponse, 400: p, 404: p, 409: p, 422: p },
    },
  },
  {
    method: 'GET',
    url: '/api/event/events/:event_id',
    operationId: 'getEvent',
    access: 'owner-or-cancel-token',
    service: 'booking',
    tag: 'events',
    summary: 'Get an event',
    schema: { params: c.eventParams, querystring: c.tzQuery, response: { 200: c.eventResponse, 400: p, 404: p } },
  },
  {
    method: 'DELETE',
    url: '/api/event/events/:event_id',
    operationId: 'cancelEvent',
    access: 'owner-or-cancel-token',
    service: 'booking',
    tag: 'events',
    summary: 'Cancel an event; its time is free again',
    schema: { params: c.eventParams, response: { 204: noContent, 400: p, 404: p } },
  },
];
