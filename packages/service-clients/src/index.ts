import {
  calendarResponse,
  scheduleResponse,
  userResponse,
  type CalendarResponse,
  type ScheduleResponse,
  type UserResponse,
} from '@slotkeeper/contracts';
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

async function fetchOne<S extends z.ZodType>(
  upstream: Upstream,
  url: string,
  schema: S,
  headers: CallHeaders,
  service: string,
  { requestId }: CallOptions = {},
): Promise<z.infer<S> | null> {
  const response = await upstream.request({
    method: 'GET',
    url,
    headers: { ...headers(), ...(requestId && { 'x-request-id': requestId }) },
  });
  if (response.statusCode === 404) return null;
  if (response.statusCode !== 200)
    throw new ServiceUnavailableError(`the ${service} service answered ${response.statusCode}`);
  return schema.parse(JSON.parse(response.body));
}

/** Reads users through the user service's API (never its collection). */
export class UserServiceClient {
  constructor(
    private readonly upstream: Upstream,
    private readonly headers: CallHeaders = requestIdHeaders,
  ) {}

  find(userId: string, options?: CallOptions): Promise<UserResponse | null> {
    const url = `/api/user/users/${encodeURIComponent(userId)}`;
    return fetchOne(this.upstream, url, userResponse, this.headers, 'user', options);
  }
}

/** Reads schedules through the schedule service's API. */
export class ScheduleServiceClient {
  constructor(
    private readonly upstream: Upstream,
    private readonly headers: CallHeaders = requestIdHeaders,
  ) {}

  find(scheduleId: string, options?: CallOptions): Promise<ScheduleResponse | null> {
    const url = `/api/schedule/availability_schedules/${encodeURIComponent(scheduleId)}`;
    return fetchOne(this.upstream, url, scheduleResponse, this.headers, 'schedule', options);
  }
}

/** A calendar as another service needs it: who owns it and what it is called. */
export type CalendarSummary = Pick<CalendarResponse, 'id' | 'user_id' | 'name'>;
const calendarSummary = calendarResponse.pick({ id: true, user_id: true, name: true });

/** Reads calendars through the calendar service's API (a service principal passes as owner). */
export class CalendarServiceClient {
  constructor(
    private readonly upstream: Upstream,
    private readonly headers: CallHeaders = requestIdHeaders,
  ) {}

  find(calendarId: string, options?: CallOptions): Promise<CalendarSummary | null> {
    const url = `/api/calendar/calendars/${encodeURIComponent(calendarId)}`;
    return fetchOne(this.upstream, url, calendarSummary, this.headers, 'calendar', options);
  }
}
