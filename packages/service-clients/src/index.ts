import { calendarResponse, scheduleResponse, userResponse, type CalendarResponse } from '@slotkeeper/contracts';
import { ServiceUnavailableError } from '@slotkeeper/errors';
import { currentRequestId, type Upstream } from '@slotkeeper/http-kit';
import type { z } from 'zod';

/** Headers a service adds to its calls to another (request id now; service identity later). */
export type CallHeaders = () => Record<string, string>;

/** Carries the current request's id on, so every service logs one request under one id. */
export const requestIdHeaders: CallHeaders = () => {
  const id = currentRequestId();
  return id ? { 'x-request-id': id } : {};
};

/**
 * Per call: the id of the request the call is made for, when the caller knows it explicitly (a
 * message handler, which runs outside any HTTP request). It wins over `CallHeaders`.
 */
export interface CallOptions {
  requestId?: string | undefined;
}

/**
 * A client of one service's API that reads one kind of resource by id, at `path/{id}`: 404 is
 * null, any other answer but 200 is ServiceUnavailableError, a 200 is parsed with `schema`.
 */
function resourceClient<S extends z.ZodType>(service: string, path: string, schema: S) {
  return class {
    constructor(
      readonly upstream: Upstream,
      readonly headers: CallHeaders = requestIdHeaders,
    ) {}

    async find(id: string, options: CallOptions = {}): Promise<z.infer<S> | null> {
      return (await this.findTagged(id, options))?.value ?? null;
    }

    /** As `find`, with the answer's `ETag` (the resource's version where the service sends one). */
    async findTagged(
      id: string,
      { requestId }: CallOptions = {},
    ): Promise<{ value: z.infer<S>; etag: string | undefined } | null> {
      const response = await this.upstream.request({
        method: 'GET',
        url: `${path}/${encodeURIComponent(id)}`,
        headers: { ...this.headers(), ...(requestId && { 'x-request-id': requestId }) },
      });
      if (response.statusCode === 404) return null;
      if (response.statusCode !== 200)
        throw new ServiceUnavailableError(`the ${service} service answered ${response.statusCode}`);
      return { value: schema.parse(JSON.parse(response.body)), etag: response.headers['etag'] };
    }
  };
}

/** Reads users through the user service's API (never its collection). */
export const UserServiceClient = resourceClient('user', '/api/user/users', userResponse);
export type UserServiceClient = InstanceType<typeof UserServiceClient>;

/** Reads schedules through the schedule service's API. */
export const ScheduleServiceClient = resourceClient(
  'schedule',
  '/api/schedule/availability_schedules',
  scheduleResponse,
);
export type ScheduleServiceClient = InstanceType<typeof ScheduleServiceClient>;

/**
 * The version a versioned resource's `ETag` names (`"3"`, or weak `W/"3"`); 0 when there is none
 * (an answer from before the service versioned it).
 */
export function versionFromEtag(etag: string | undefined): number {
  const match = etag?.match(/^(?:W\/)?"(\d+)"$/);
  return match ? Number(match[1]) : 0;
}

/** A calendar as another service needs it: who owns it and what it is called. */
export type CalendarSummary = Pick<CalendarResponse, 'id' | 'user_id' | 'name'>;
const calendarSummary = calendarResponse.pick({ id: true, user_id: true, name: true });

/** Reads calendars through the calendar service's API (a service principal passes as owner). */
export const CalendarServiceClient = resourceClient('calendar', '/api/calendar/calendars', calendarSummary);
export type CalendarServiceClient = InstanceType<typeof CalendarServiceClient>;
export { awaitAppliedVersion } from './applied-version.js';
