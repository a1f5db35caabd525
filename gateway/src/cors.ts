import cors, { type FastifyCorsOptions } from '@fastify/cors';
import { API_ROUTES } from '@slotkeeper/contracts';
import type { HttpApp } from '@slotkeeper/http-kit';
import type { FastifyRequest } from 'fastify';

/** Request headers a page may send: the ones the gateway reads or passes on. */
const ALLOWED_HEADERS = ['authorization', 'content-type', 'idempotency-key', 'x-request-id'];
/** Response headers a page may read besides the safelisted ones (`Link` pages the events list). */
const EXPOSED_HEADERS = ['x-request-id', 'location', 'link', 'retry-after', 'allow', 'www-authenticate', 'etag'];
/** How long a browser may reuse a preflight's answer. */
const PREFLIGHT_MAX_AGE_SECONDS = 600;

/**
 * `METHOD /path` of the owner routes, the only ones CORS restricts. An `owner-or-cancel-token`
 * route counts as public: a booker reads, cancels or reschedules an event with its cancel token
 * from a booking page, which may be served from any origin.
 */
const OWNER_ROUTES = new Set(API_ROUTES.filter((route) => route.access === 'owner').map(routeKey));

/** As the router reads a method: a GET route serves HEAD too, and `get` is GET. */
function routeKey({ method, path }: { method: string; path: string }): string {
  const upper = method.toUpperCase();
  return `${upper === 'HEAD' ? 'GET' : upper} ${path}`;
}

/** The method a preflight asks about, or undefined when the request is no preflight. */
function preflightOf(request: FastifyRequest): string | undefined {
  const method = request.headers['access-control-request-method'];
  const preflight = request.method === 'OPTIONS' && request.headers.origin !== undefined && typeof method === 'string';
  return preflight ? method : undefined;
}

/**
 * CORS as the contract puts it: public routes (with `/health`, `/docs` and the 404 and 405
 * answers) to any origin, without credentials; owner routes only to the `origins` listed, with
 * credentials. A preflight answers 204, with CORS headers only if its origin may call the method
 * it names on that path; without them the browser refuses the call.
 */
export async function addCors(app: HttpApp, origins: readonly string[]): Promise<void> {
  const listed = new Set(origins);
  const common = {
    allowedHeaders: ALLOWED_HEADERS,
    exposedHeaders: EXPOSED_HEADERS,
    maxAge: PREFLIGHT_MAX_AGE_SECONDS,
  };

  function policy(request: FastifyRequest): FastifyCorsOptions {
    const origin = request.headers.origin;
    const requested = preflightOf(request);
    // Any other OPTIONS is no CORS matter: it keeps the router's 405 (or 404).
    if (request.method === 'OPTIONS' && requested === undefined) return { origin: false };
    const method = requested ?? request.method;
    const path = request.url.split('?')[0] ?? '/';
    if (requested !== undefined && app.findRoute({ method, url: path }) === null) return { origin: false };
    // A preflight of an API path is routed to that path's OPTIONS route below, so `url` names it.
    const owner = OWNER_ROUTES.has(routeKey({ method, path: request.routeOptions.url ?? '' }));
    if (!owner) return { ...common, origin: '*', methods: [method], credentials: false };
    if (origin !== undefined && listed.has(origin)) return { ...common, origin, methods: [method], credentials: true };
    return { origin: false };
  }

  await app.register(cors, { delegator: (request, callback) => callback(null, policy(request)) });
  // The plugin answers the preflights it allows; one it refused gets a 204 that allows nothing.
  app.addHook('onRequest', (request, reply, done) => {
    if (preflightOf(request) !== undefined) return void reply.code(204).header('content-length', '0').send();
    done();
  });
  // Preflights of each API path land on a route of that path (the plugin's own `OPTIONS *` takes
  // the rest); an OPTIONS that is no preflight goes on to the 405 of the path.
  for (const path of new Set(API_ROUTES.map((route) => route.path))) {
    app.options(path, { schema: { hide: true } }, (_request, reply) => reply.callNotFound());
  }
}
