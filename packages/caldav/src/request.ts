import type { OutboundClient, OutboundResponse } from '@slotkeeper/outbound-http';
import { describeRequest, SourceError, sourceErrorOf } from './source-error.js';

export interface SourceCredentials {
  username: string;
  password: string;
}

/**
 * The URL a source gives, parsed: `webcal:` is https (what every calendar app does with it). An
 * unparsable URL is refused here, without naming it (its path may be a secret).
 */
export function sourceUrl(input: string): URL {
  const trimmed = input.trim();
  const mapped = /^webcal:/i.test(trimmed) ? `https:${trimmed.slice('webcal:'.length)}` : trimmed;
  try {
    return new URL(mapped);
  } catch {
    throw new SourceError('refused', 'The address is not a valid absolute URL.');
  }
}

/** A collection's URL ending with `/`, so that `{collection}{uid}.ics` names a member of it. */
export function collectionUrl(input: string): URL {
  const url = sourceUrl(input);
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  return url;
}

/**
 * A member's href as a key: the path (an absolute URL is cut to it), each segment percent-encoded
 * one way, so that a sync-collection answer and a calendar-query answer that spell one object
 * differently (`%40` or `@`) still name it alike.
 */
export function hrefKey(href: string, collection: URL): string {
  let path: string;
  try {
    path = new URL(href.trim(), collection).pathname;
  } catch {
    return href.trim();
  }
  return path
    .split('/')
    .map((segment) => {
      try {
        return encodeURIComponent(decodeURIComponent(segment));
      } catch {
        return segment;
      }
    })
    .join('/');
}

export interface Sent {
  response: OutboundResponse;
  /** `METHOD https://host:port`, for messages. */
  what: string;
}

/** One request through the SSRF-safe client; its failures become SourceErrors. */
export async function send(
  client: OutboundClient,
  method: string,
  url: URL,
  credentials: SourceCredentials | null,
  headers: Record<string, string>,
  body?: string,
): Promise<Sent> {
  const what = describeRequest(method, url);
  const all = credentials === null ? headers : { ...headers, authorization: basic(credentials) };
  try {
    const response = await client.request(url.href, { method, headers: all, ...(body === undefined ? {} : { body }) });
    return { response, what };
  } catch (error) {
    throw sourceErrorOf(error);
  }
}

export function header(response: OutboundResponse, name: string): string | null {
  const value = response.headers[name];
  return (Array.isArray(value) ? value[0] : value) ?? null;
}

const basic = ({ username, password }: SourceCredentials): string =>
  `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
