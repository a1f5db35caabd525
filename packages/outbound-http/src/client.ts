import net, { type LookupFunction } from 'node:net';
import { Agent, buildConnector, errors as undiciErrors, request as undiciRequest } from 'undici';
import { addressAllowed, systemResolve, unbracket, type AddressPolicyOptions, type Resolve } from './address-policy.js';
import { checkUrlShape } from './check-url.js';
import {
  OutboundError,
  OutboundFailed,
  OutboundTimeout,
  OutboundTooLarge,
  OutboundUrlRefused,
  originOf,
} from './errors.js';

export interface OutboundClientOptions extends AddressPolicyOptions {
  connectTimeoutMs?: number;
  /** Time to the response headers. */
  headersTimeoutMs?: number;
  /** Idle time between body chunks (not a total: `totalTimeoutMs` is). */
  bodyTimeoutMs?: number;
  /** Deadline for the whole call: every redirect, the headers and the body. */
  totalTimeoutMs?: number;
  maxResponseBytes?: number;
  /** 0 (the default): a 3xx is returned as the response. n: follow up to n, then `OutboundFailed`. */
  maxRedirects?: number;
  /** How names are resolved; the system resolver unless a test gives another. */
  resolve?: Resolve;
}

export interface OutboundRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  /**
   * Answer as soon as the status and headers arrive, with `body: ''`: the body is never read, so
   * neither `maxResponseBytes` nor a slow body can fail the call. A body already received in
   * full leaves the connection to be reused; one still coming closes it.
   */
  discardBody?: boolean;
}

export interface OutboundResponse {
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
  /** The body decoded as UTF-8; `''` when the request asked to discard it. */
  body: string;
  /** The URL that answered, after redirects. */
  url: string;
}

export interface OutboundClient {
  request(url: string, request?: OutboundRequest): Promise<OutboundResponse>;
  close(): Promise<void>;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
/** Dropped when a redirect leaves the origin, as fetch does. */
const CREDENTIAL_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie']);
const BODY_HEADERS = new Set(['content-type', 'content-length', 'content-encoding', 'transfer-encoding']);

/**
 * An HTTP client for URLs that owners and integrators give. Addresses are checked where the socket
 * connects: the connector's `lookup` refuses a name with any non-public address, and IP literals
 * (which never reach `lookup`) are checked before connecting. The socket connects to exactly the
 * addresses that were checked, so DNS rebinding and redirects cannot slip past.
 */
export function outboundClient(options: OutboundClientOptions): OutboundClient {
  const {
    connectTimeoutMs = 5_000,
    headersTimeoutMs = 10_000,
    bodyTimeoutMs = 10_000,
    totalTimeoutMs = 15_000,
    maxResponseBytes = 5 * 1024 * 1024,
    maxRedirects = 0,
    resolve = systemResolve,
  } = options;
  const allowed = addressAllowed(options);
  const refusal = (host: string, how = 'resolves to') =>
    new OutboundUrlRefused(
      'not-public',
      `${host} ${how} a loopback, private, link-local or otherwise non-public address.`,
    );

  const lookup: LookupFunction = (hostname, lookupOptions, callback) => {
    resolve(hostname).then(
      (addresses) => {
        const blocked = addresses.find((a) => !allowed(a.address));
        const first = addresses[0];
        if (blocked !== undefined) return callback(refusal(hostname), '', 0);
        if (first === undefined)
          return callback(Object.assign(new Error(`${hostname} has no addresses`), { code: 'ENOTFOUND' }), '', 0);
        // Node calls with `all: true` when it tries several families (autoSelectFamily).
        if (lookupOptions.all === true) return callback(null, addresses);
        return callback(null, first.address, first.family);
      },
      (error: NodeJS.ErrnoException) => callback(error, '', 0),
    );
  };
  const connector = buildConnector({ timeout: connectTimeoutMs, lookup });
  const agent = new Agent({
    connect(connectOptions, callback) {
      const host = unbracket(connectOptions.hostname);
      if (net.isIP(host) !== 0 && !allowed(host)) return callback(refusal(host, 'is'), null);
      return connector(connectOptions, callback);
    },
    headersTimeout: headersTimeoutMs,
    bodyTimeout: bodyTimeoutMs,
    maxResponseSize: maxResponseBytes,
  });

  async function request(
    input: string,
    { method = 'GET', headers = {}, body, discardBody = false }: OutboundRequest = {},
  ): Promise<OutboundResponse> {
    const signal = AbortSignal.timeout(totalTimeoutMs);
    let current = checkedShape(input);
    let hop = { method, headers, body };
    for (let redirects = 0; ; redirects++) {
      const target = current;
      try {
        const response = await undiciRequest(target, {
          dispatcher: agent,
          signal,
          method: hop.method as 'GET',
          headers: hop.headers,
          ...(hop.body === undefined ? {} : { body: hop.body }),
        });
        const location = response.headers.location;
        if (maxRedirects > 0 && REDIRECTS.has(response.statusCode) && typeof location === 'string') {
          await response.body.dump();
          if (redirects >= maxRedirects) {
            throw new OutboundFailed(`${hop.method} ${originOf(target)}: more than ${maxRedirects} redirects`);
          }
          current = checkedShape(new URL(location, target).href);
          hop = redirected(hop, response.statusCode, target, current);
          continue;
        }
        const answer = { statusCode: response.statusCode, headers: response.headers, url: target.href };
        if (discardBody) {
          // Destroyed unread: nothing of it is held, and no socket waits on a trickling body.
          // undici reports the abort on the stream; it is not a failure of this call.
          response.body.on('error', () => undefined).destroy();
          return { ...answer, body: '' };
        }
        return { ...answer, body: await response.body.text() };
      } catch (error) {
        throw translate(error, `${hop.method} ${originOf(target)}`, signal);
      }
    }
  }

  // Scheme, userinfo and host only: every address, IP literal or resolved, is checked by the connector.
  function checkedShape(input: string): URL {
    const shape = checkUrlShape(input, { allowPrivate: true });
    if (!shape.ok) throw shape.error;
    return shape.url;
  }

  function translate(error: unknown, what: string, signal: AbortSignal): OutboundError {
    if (error instanceof OutboundError) return error;
    const refused = findRefusal(error);
    if (refused !== undefined) return refused;
    if (signal.aborted) return new OutboundTimeout(`${what}: no complete answer within ${totalTimeoutMs} ms`);
    if (error instanceof undiciErrors.HeadersTimeoutError)
      return new OutboundTimeout(`${what}: no response headers within ${headersTimeoutMs} ms`);
    if (error instanceof undiciErrors.BodyTimeoutError)
      return new OutboundTimeout(`${what}: the body stalled for ${bodyTimeoutMs} ms`);
    if (error instanceof undiciErrors.ConnectTimeoutError)
      return new OutboundTimeout(`${what}: no connection within ${connectTimeoutMs} ms`);
    if (error instanceof undiciErrors.ResponseExceededMaxSizeError)
      return new OutboundTooLarge(`${what}: the response is larger than ${maxResponseBytes} bytes`);
    // Only the error's code: a driver's message is not ours to vouch for.
    const code =
      typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string'
        ? error.code
        : 'unknown error';
    return new OutboundFailed(`${what}: request failed (${code})`);
  }

  return { request, close: () => agent.close() };
}

/** The refusal our connector raised, however deep undici or net wrapped it. */
function findRefusal(error: unknown): OutboundUrlRefused | undefined {
  for (let e = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (e instanceof OutboundUrlRefused) return e;
    if (e instanceof AggregateError) {
      const inner = e.errors.find((x): x is OutboundUrlRefused => x instanceof OutboundUrlRefused);
      if (inner !== undefined) return inner;
    }
  }
  return undefined;
}

interface Hop {
  method: string;
  headers: Record<string, string>;
  body: string | Uint8Array | undefined;
}

/** The next request after a redirect, as fetch does it: 303 (and 301/302 after POST) become a GET without body; credentials stay on their origin. */
function redirected(hop: Hop, status: number, from: URL, to: URL): Hop {
  const toGet = status === 303 ? hop.method !== 'HEAD' : (status === 301 || status === 302) && hop.method === 'POST';
  const crossOrigin = from.origin !== to.origin;
  const headers = Object.fromEntries(
    Object.entries(hop.headers).filter(([name]) => {
      const lower = name.toLowerCase();
      return !(crossOrigin && CREDENTIAL_HEADERS.has(lower)) && !(toGet && BODY_HEADERS.has(lower));
    }),
  );
  return toGet ? { method: 'GET', headers, body: undefined } : { method: hop.method, headers, body: hop.body };
}
