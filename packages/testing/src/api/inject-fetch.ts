/**
 * A fetch that hands each request to an in-process server's `inject` (fastify's, from
 * light-my-request) instead of the network: the API client then drives an app that never listens.
 */
import { apiClient, type ApiClient } from './api-client.js';

/** As much of fastify's `inject` as a fetch needs. */
export interface Injectable {
  inject(request: { method: string; url: string; headers: Record<string, string>; payload?: Buffer }): PromiseLike<{
    statusCode: number;
    headers: Record<string, string | string[] | number | undefined>;
    rawPayload: Buffer;
  }>;
}

export function injectFetch(server: Injectable): (request: Request) => Promise<Response> {
  return async (request) => {
    const { pathname, search } = new URL(request.url);
    const payload = request.body ? Buffer.from(await request.arrayBuffer()) : undefined;
    const answer = await server.inject({
      method: request.method,
      url: pathname + search,
      headers: Object.fromEntries(request.headers),
      ...(payload && { payload }),
    });
    const headers = new Headers();
    for (const [name, value] of Object.entries(answer.headers)) {
      for (const each of Array.isArray(value) ? value : value === undefined ? [] : [value]) {
        headers.append(name, String(each));
      }
    }
    const bodiless = [204, 205, 304].includes(answer.statusCode) || request.method === 'HEAD';
    const response = new Response(bodiless ? null : answer.rawPayload, { status: answer.statusCode, headers });
    // A fetched response says where it came from; errors name the route by it.
    Object.defineProperty(response, 'url', { value: request.url });
    return response;
  };
}

/** The API client of an in-process gateway (fastify's `inject`), for tests that never listen. */
export const inProcessClient = (gateway: Injectable): ApiClient =>
  apiClient('http://localhost', { fetch: injectFetch(gateway) });
