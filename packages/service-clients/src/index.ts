import { scheduleResponse, userResponse, type ScheduleResponse, type UserResponse } from '@slotkeeper/contracts';
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

async function fetchOne<S extends z.ZodType>(
  upstream: Upstream,
  url: string,
  schema: S,
  headers: CallHeaders,
  service: string,
): Promise<z.infer<S> | null> {
  const response = await upstream.request({ method: 'GET', url, headers: headers() });
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

  find(userId: string): Promise<UserResponse | null> {
    return fetchOne(this.upstream, `/api/user/users/${encodeURIComponent(userId)}`, userResponse, this.headers, 'user');
  }
}

/** Reads schedules through the schedule service's API. */
export class ScheduleServiceClient {
  constructor(
    private readonly upstream: Upstream,
    private readonly headers: CallHeaders = requestIdHeaders,
  ) {}

  find(scheduleId: string): Promise<ScheduleResponse | null> {
    const url = `/api/schedule/availability_schedules/${encodeURIComponent(scheduleId)}`;
    return fetchOne(this.upstream, url, scheduleResponse, this.headers, 'schedule');
  }
}
