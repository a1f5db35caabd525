import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { anonymous, identitySigner, IDENTITY_HEADER } from '@slotkeeper/auth';
import { bookingPages } from '@slotkeeper/booking-pages';
import { API_ROUTES, type ServiceName } from '@slotkeeper/contracts';
import { ServiceUnavailableError } from '@slotkeeper/errors';
import { addHealthRoute, createHttpApp, DEFAULT_BODY_LIMIT, signedUpstream, type Upstream } from '@slotkeeper/http-kit';
import { subscribeByType, type MessageBus } from '@slotkeeper/messaging';
import type { Logger } from '@slotkeeper/observability';
import type { FastifyRequest } from 'fastify';
import helmet from 'helmet';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';
import { rotatesApiKey } from './api-key-rotation.js';
import { authenticator } from './authenticate.js';
import { addCors } from './cors.js';
import { completeDocument, documented, openapiDefinition } from './openapi.js';
import { VerifiedKeys } from './verified-keys.js';
import { calendarLookup } from './calendar-lookup.js';

export interface GatewayDeps {
  logger: Logger;
  upstreams: Record<ServiceName, Upstream>;
  /** Signs the identity header the services trust (derived from INTERNAL_AUTH_SECRET). */
  identityKey: Buffer;
  bodyLimit?: number;
  /** Requests per minute and client IP (RATE_LIMIT_PER_MINUTE). */
  rateLimitPerMinute?: number;
  /** Proxies in front whose X-Forwarded-For names the client (TRUST_PROXY). */
  trustProxy?: string[];
  /** Origins whose pages may call owner routes (CORS_ORIGINS); public routes answer any origin. */
  corsOrigins?: readonly string[];
  /**
   * The bus, when the gateway should hear `ApiKeyRotated` and forget the user's verified keys at
   * once, on every instance; without it a replaced key works on for the cache's 30 seconds on
   * instances other than the one that forwarded the rotation.
   */
  bus?: MessageBus;
}

/**
 * Request headers a service may see; everything else stays at the edge: `authorization` is
 * replaced by the signed identity header, and a client's own identity header is dropped.
 */
const FORWARDED_HEADERS = ['content-type', 'accept', 'idempotency-key', 'user-agent'];
/** Response headers a client may see from a service. */
const RETURNED_HEADERS = ['content-type', 'retry-after', 'location', 'allow', 'link', 'etag'];
/** undici's codes for a service that took longer than the upstream's timeout. */
const TIMEOUTS = ['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT'];

function forwardHeaders(request: FastifyRequest): Record<string, string> {
  const headers: Record<string, string> = { 'x-request-id': request.id };
  for (const name of FORWARDED_HEADERS) {
    const value = request.headers[name];
    if (typeof value === 'string') headers[name] = value;
  }
  return headers;
}

async function healthOf(upstreams: Record<ServiceName, Upstream>): Promise<boolean> {
  const answers = await Promise.all(
    Object.values(upstreams).map((upstream) =>
      upstream.request({ method: 'GET', url: '/health', headers: {} }).then(
        (response) => response.statusCode === 200,
        () => false,
      ),
    ),
  );
  return answers.every(Boolean);
}

/**
 * The public edge: routes the documented API to the owning service, serves the OpenAPI document
 * (`/docs/json`) and reference (`/docs`), and stamps every response with `x-request-id`.
 * Services validate their own input; the gateway passes bodies through untouched.
 */
export async function buildGateway({
  logger,
  upstreams,
  identityKey,
  bodyLimit = DEFAULT_BODY_LIMIT,
  rateLimitPerMinute = 1000,
  trustProxy,
  corsOrigins = [],
  bus,
}: GatewayDeps) {
  const app = createHttpApp({ logger, bodyLimit, healthRoute: false, ...(trustProxy && { trustProxy }) });
  const sign = identitySigner(identityKey);
  const verified = new VerifiedKeys();
  const authenticate = authenticator(
    signedUpstream(upstreams.user, identityKey, { kind: 'service', service: 'gateway' }),
    verified,
  );
  if (bus) {
    const forget = { ApiKeyRotated: async ({ user_id }: { user_id: string }) => verified.forgetUser(user_id) };
    // Every instance keeps its own cache, so every instance must hear it.
    await subscribeByType(bus, 'gateway', forget, { broadcast: true });
  }

  // Security headers for an API (no sniffing, no framing, no referrer); the docs page gets the
  // content security policy swagger-ui needs, every API answer `no-store` (owner data, secrets).
  // helmet itself, built once: @fastify/helmet builds it again for every request.
  const secure = helmet({
    frameguard: { action: 'deny' },
    contentSecurityPolicy: { directives: { frameAncestors: ["'none'"] } },
  });
  app.addHook('onRequest', (request, reply, done) =>
    secure(request.raw, reply.raw, (error?: unknown) => done(error as Error | undefined)),
  );
  // Before the rate limit, so a page can read its 429 and Retry-After.
  await addCors(app, corsOrigins);
  app.addHook('onSend', async (request, reply) => {
    if (request.url.startsWith('/api/')) reply.header('cache-control', 'no-store');
    if (reply.statusCode === 401) reply.header('www-authenticate', 'Bearer realm="slotkeeper"');
  });
  await app.register(rateLimit, {
    max: rateLimitPerMinute,
    timeWindow: 60_000,
    keyGenerator: (request) => request.ip,
    // Thrown into the error handler, which writes it as problem+json; Retry-After is set.
    errorResponseBuilder: (_request, context) => ({
      statusCode: 429,
      message: `more than ${context.max} requests a minute from this address; retry in ${context.after}`,
    }),
  });
  // The zod schemas describe the routes for the docs; validating them twice would only let the
  // two copies drift, so the gateway accepts what it forwards and the service judges it.
  app.setValidatorCompiler(() => (data) => ({ value: data }));
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  await app.register(swagger, {
    openapi: openapiDefinition(bodyLimit),
    transform: jsonSchemaTransform,
    transformObject: completeDocument,
  });
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });
  addHealthRoute(app, () => healthOf(upstreams));
  // The invitee's pages, on top of the public routes alone: the calendar's public facts are asked
  // as any anonymous client would ask them.
  await bookingPages(app, { lookUpCalendar: calendarLookup(upstreams.calendar, () => sign(anonymous)) });

  for (const route of API_ROUTES) {
    const upstream = upstreams[route.service];
    const rotation = rotatesApiKey(route);
    app.route({
      method: route.method,
      url: route.path,
      schema: documented(route),
      handler: async (request, reply) => {
        const body = request.body as Buffer | undefined;
        const caller = await authenticate(request.headers.authorization);
        const headers = forwardHeaders(request);
        headers[IDENTITY_HEADER] = sign(caller.principal);
        if (caller.forwardAuthorization) headers.authorization = caller.forwardAuthorization;
        const response = await upstream
          .request({ method: request.method, url: request.url, headers, ...(body && { body }) })
          .catch((error: unknown) => {
            const late = TIMEOUTS.includes((error as { code?: string }).code ?? '');
            request.log.error(
              { err: error, service: route.service },
              late ? 'upstream timed out' : 'upstream unreachable',
            );
            throw new ServiceUnavailableError(
              `the ${route.service} service ${late ? 'did not answer in time' : 'is unreachable'}`,
            );
          });
        // The old key stops working at once on this instance; the others hear ApiKeyRotated.
        if (rotation && response.statusCode < 300) verified.forgetUser((request.params as { user_id: string }).user_id);
        for (const name of RETURNED_HEADERS) {
          const value = response.headers[name];
          if (value) reply.header(name, value);
        }
        return reply.code(response.statusCode).send(response.statusCode === 204 ? null : response.body);
      },
    });
  }
  return app;
}
