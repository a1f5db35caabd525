import type { components, paths } from '@slotkeeper/contracts/openapi-types';
import createClient from 'openapi-fetch';

/**
 * The public API, typed by the gateway's own OpenAPI document, on this page's origin (the pages
 * are served by the gateway, and their content security policy allows no other host).
 */
export const api = createClient<paths>({ baseUrl: location.origin });

export type Problem = components['schemas']['Problem'];
export type Slot = { start_time: string; end_time: string };
export type EventBody = components['schemas']['Event'];
export type BookedEvent = components['schemas']['BookedEvent'];

/** Why a request did not give what was asked: no answer at all, or an error status with its problem document. */
export type Failure =
  { kind: 'network' } | { kind: 'http'; status: number; problem: Problem | null; retryAfterSeconds: number | null };

export type Result<T> = { ok: true; data: T } | { ok: false; failure: Failure };

function asProblem(body: unknown): Problem | null {
  if (typeof body !== 'object' || body === null) return null;
  const candidate = body as Partial<Problem>;
  return typeof candidate.title === 'string' && typeof candidate.status === 'number' ? (candidate as Problem) : null;
}

/** Awaits an openapi-fetch call and reads it into a result; a failed fetch (offline, reset) is a `network` failure. */
export async function settle<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<Result<T>> {
  try {
    const { data, error, response } = await call;
    if (response.ok) return { ok: true, data: data as T };
    const retryAfter = Number(response.headers.get('retry-after'));
    return {
      ok: false,
      failure: {
        kind: 'http',
        status: response.status,
        problem: asProblem(error),
        retryAfterSeconds: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null,
      },
    };
  } catch {
    return { ok: false, failure: { kind: 'network' } };
  }
}

/** The status of an HTTP failure, or 0 when no answer came. */
export const statusOf = (failure: Failure) => (failure.kind === 'http' ? failure.status : 0);

/** A sentence for a failure that the invitee can act on: wait and try again, or check the connection. */
export function describeFailure(failure: Failure): string {
  if (failure.kind === 'network') {
    return 'Could not reach the server. Nothing was lost: check your connection and try again.';
  }
  if (failure.status === 429 || failure.status === 503) {
    const wait = failure.retryAfterSeconds;
    const when = wait ? `in ${wait} second${wait === 1 ? '' : 's'}` : 'in a moment';
    return `The service is busy right now. Please try again ${when}.`;
  }
  return failure.problem?.detail ?? failure.problem?.title ?? `Something went wrong (status ${failure.status}).`;
}

/** The `Authorization` header for a booking's own cancel token. */
export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
