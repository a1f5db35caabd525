import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { identitySigner, IDENTITY_HEADER, type Principal } from '@slotkeeper/auth';
import { request as undiciRequest, Agent } from 'undici';

export interface UpstreamRequest {
  method: string;
  /** Path and query, e.g. `/api/user/users/42?tz=UTC`. */
  url: string;
  headers: Record<string, string>;
  body?: string | Buffer;
}

export interface UpstreamResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

/** How the gateway, and a service asking another, reaches a service: in-process or over HTTP. */
export interface Upstream {
  request(request: UpstreamRequest): Promise<UpstreamResponse>;
}

const flatten = (headers: Record<string, string | string[] | number | undefined>): Record<string, string> =>
  Object.fromEntries(
    Object.entries(headers)
      .filter((entry): entry is [string, string | string[] | number] => entry[1] !== undefined)
      .map(([key, value]) => [key, Array.isArray(value) ? value.join(', ') : String(value)]),
  );

/** Calls a Fastify app in the same process without a socket (the embedded mode). */
export function injectUpstream(app: { inject(options: InjectOptions): Promise<LightMyRequestResponse> }): Upstream {
  return {
    async request({ method, url, headers, body }) {
      const response = await app.inject({
        method: method as 'GET',
        url,
        headers,
        ...(body === undefined ? {} : { payload: body }),
      });
      return { statusCode: response.statusCode, headers: flatten(response.headers), body: response.body };
    },
  };
}

/** Calls a service over HTTP with a keep-alive pool (the distributed mode). */
export function httpUpstream(baseUrl: string, timeoutMs = 10_000): Upstream {
  const dispatcher = new Agent({ connections: 64, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
  return {
    async request({ method, url, headers, body }) {
      const response = await undiciRequest(new URL(url, baseUrl), {
        method: method as 'GET',
        headers,
        dispatcher,
        ...(body === undefined ? {} : { body }),
      });
      return { statusCode: response.statusCode, headers: flatten(response.headers), body: await response.body.text() };
    },
  };
}

/** Every request through `upstream` carries the identity header of `principal`, signed with `key`. */
export function signedUpstream(upstream: Upstream, key: Buffer, principal: Principal): Upstream {
  const sign = identitySigner(key);
  return {
    request: (request) =>
      upstream.request({ ...request, headers: { ...request.headers, [IDENTITY_HEADER]: sign(principal) } }),
  };
}

/** One service's upstreams to the others: over HTTP, each request signed as that service. */
export const serviceUpstreams =
  (key: Buffer, service: string) =>
  (baseUrl: string): Upstream =>
    signedUpstream(httpUpstream(baseUrl), key, { kind: 'service', service });
