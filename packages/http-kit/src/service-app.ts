import { AsyncLocalStorage } from 'node:async_hooks';
import Fastify, { type FastifyReply, type HTTPMethods } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { anonymous, identityVerifier, IDENTITY_HEADER, requireUser, type Principal } from '@slotkeeper/auth';
import type { Problem } from '@slotkeeper/contracts';
import { ServiceUnavailableError, UnauthorizedError } from '@slotkeeper/errors';
import type { Logger } from '@slotkeeper/observability';
import { clientErrorHandler, MAX_HEADER_BYTES, requestIdOf } from './edge.js';
import { drainOnClose, ShuttingDownError } from './drain.js';
import { httpError, toProblem } from './problems.js';

export const DEFAULT_BODY_LIMIT = 64 * 1024;

/** What a 503 asks clients to wait before they retry. */
export const RETRY_AFTER_SECONDS = 2;

const requestIds = new AsyncLocalStorage<string>();

/** The id of the request being served, so calls to other services carry it on. */
export const currentRequestId = (): string | undefined => requestIds.getStore();

export interface HttpAppOptions {
  logger: Logger;
  bodyLimit?: number;
  /** Whether the service can serve: its database and broker connections are up. */
  health?: () => Promise<boolean>;
  /**
   * A service's key for the gateway's identity header: every request but `/health` must carry a
   * valid one, or it is refused (401). The gateway itself leaves this out.
   */
  identityKey?: Buffer;
  /**
   * Which proxies in front may name the client in `X-Forwarded-For` (Fastify's `trustProxy`:
   * addresses or CIDR ranges). Off by default: the socket's address is the client.
   */
  trustProxy?: string[];
  /**
   * Whether handlers call other services and should carry the request's id on
   * (`currentRequestId`). It keeps the id in an AsyncLocalStorage, which on Node 20 hooks every
   * promise the process makes: the gateway paid about 15 % of its CPU for it, so only the
   * services that call others turn it on.
   */
  propagateRequestId?: boolean;
  /** Whether to add `GET /health` now (default); the gateway adds it later, with `addHealthRoute`. */
  healthRoute?: boolean;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Who the request acts for, as the gateway signed it (anonymous at the gateway itself). */
    principal: Principal;
  }
}

const healthResponse = z.object({ status: z.literal('ok') }).describe('It can serve');

/** Methods a path may answer; the `Allow` header of a 405 lists those it does. */
const METHODS: HTTPMethods[] = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'];

/** Writes a problem document; a 503 also asks the client to wait a little before it retries. */
function sendProblem(reply: FastifyReply, problem: Problem): FastifyReply {
  if (problem.status === 503) void reply.header('retry-after', String(RETRY_AFTER_SECONDS));
  return reply.code(problem.status).type('application/problem+json').send(JSON.stringify(problem));
}

/**
 * The Fastify instance every service and the gateway start from: zod validation and
 * serialization, problem+json from every layer (the HTTP parser, the router, body parsing,
 * handlers, shutdown), 405 with `Allow`, `x-request-id` in and out, trailing slashes ignored,
 * the body limit, a draining close, and `GET /health`.
 */
export function createHttpApp({
  logger,
  bodyLimit = DEFAULT_BODY_LIMIT,
  health,
  identityKey,
  trustProxy,
  propagateRequestId = false,
  healthRoute = true,
}: HttpAppOptions) {
  const app = Fastify({
    loggerInstance: logger,
    bodyLimit,
    ...(trustProxy?.length && { trustProxy }),
    http: { maxHeaderSize: MAX_HEADER_BYTES },
    // A parameter of any length reaches its schema, so a malformed id is a 400 that names it. The
    // request line is bounded by the header limit, and no route has a regular-expression parameter.
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: MAX_HEADER_BYTES },
    genReqId: requestIdOf,
    // Requests that arrive while closing are answered by drainOnClose, as problem+json.
    return503OnClosing: false,
    clientErrorHandler: clientErrorHandler(logger),
    // Errors the router raises before any hook runs (a malformed URL).
    frameworkErrors: (error, request, routeReply) => {
      // Its generics type this reply for no route in particular; it is an ordinary reply.
      const reply = routeReply as unknown as FastifyReply;
      void sendProblem(reply.header('x-request-id', request.id), toProblem(error));
    },
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  // JSON only: a body of any other type is a 415 that names it, not a confusing 400. (A stray
  // Content-Type on a request without a body is no body to refuse.)
  app.removeContentTypeParser('text/plain');
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (request, body, done) => {
    if (body.length === 0) return done(null, undefined);
    const type = request.headers['content-type'];
    const given = type ? `Content-Type ${type} is` : 'a body without Content-Type is';
    done(httpError(415, `${given} not accepted; send application/json`));
  });

  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    // Everything after this hook, handler included, runs inside the request's context.
    if (propagateRequestId) requestIds.run(request.id, done);
    else done();
  });
  drainOnClose(app);

  // Fastify wants no shared object as a decorator's initial value; each request sets its own.
  app.decorateRequest('principal', null as never);
  app.addHook('onRequest', async (request) => {
    request.principal = anonymous;
  });
  if (identityKey) {
    const verify = identityVerifier(identityKey);
    app.addHook('onRequest', async (request) => {
      if (request.routeOptions.url === '/health') return;
      const principal = verify(request.headers[IDENTITY_HEADER] as string | undefined);
      if (!principal) throw new UnauthorizedError('this service answers only requests that come through the gateway');
      request.principal = principal;
    });
  }

  app.setErrorHandler((error, request, reply) => {
    const problem = toProblem(error);
    if (problem.status < 500 || error instanceof ShuttingDownError)
      request.log.info({ status: problem.status, problem: problem.type }, 'request refused');
    else if (problem.status === 503) request.log.warn({ err: error }, 'dependency unavailable');
    else request.log.error({ err: error }, 'request failed');
    return sendProblem(reply, problem);
  });

  // No route for this method: a 405 naming the methods the path has, or a 404 when it has none, or
  // when its route took the request and found nothing (a file under a static prefix).
  app.setNotFoundHandler(async (request, reply) => {
    const path = request.url.split('?')[0] ?? '/';
    const allowed = METHODS.filter((method) => app.findRoute({ method, url: path }) !== null);
    if (allowed.length === 0 || allowed.includes(request.method as (typeof allowed)[number])) {
      throw httpError(404, `no route ${request.method} ${path}`);
    }
    void reply.header('allow', allowed.join(', '));
    throw httpError(405, `${path} answers ${allowed.join(', ')}, not ${request.method}`);
  });

  if (healthRoute) addHealthRoute(app, health);
  return app;
}

export type HttpApp = ReturnType<typeof createHttpApp>;

/**
 * `GET /health`: 200 `{ "status": "ok" }` when `health` says the app can serve, 503 otherwise.
 * The gateway adds it itself, after its OpenAPI plugin, which sees only the routes added later.
 */
export function addHealthRoute(app: HttpApp, health?: () => Promise<boolean>): void {
  app.get(
    '/health',
    {
      schema: {
        summary: 'Whether this process can serve: its database, broker and services answer',
        tags: ['operations'],
        operationId: 'getHealth',
        security: [],
        response: { 200: healthResponse },
      },
    },
    async () => {
      const ok = health ? await health().catch(() => false) : true;
      if (!ok) throw new ServiceUnavailableError('a dependency of this service is unavailable');
      return { status: 'ok' as const };
    },
  );
}

/** A route hook for owner routes: 401 without credentials, before the request is validated. */
export const ownerOnly = async (request: { principal: Principal }): Promise<void> => requireUser(request.principal);
