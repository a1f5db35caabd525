import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyReply } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { anonymous, identityVerifier, IDENTITY_HEADER, requireUser, type Principal } from '@slotkeeper/auth';
import { UnauthorizedError } from '@slotkeeper/errors';
import type { Logger } from '@slotkeeper/observability';
import { toProblem } from './problems.js';

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
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Who the request acts for, as the gateway signed it (anonymous at the gateway itself). */
    principal: Principal;
  }
}

/**
 * The Fastify instance every service and the gateway start from: zod validation and
 * serialization, problem+json errors, `x-request-id` in and out, trailing slashes ignored,
 * the body limit, and `GET /health`.
 */
export function createHttpApp({
  logger,
  bodyLimit = DEFAULT_BODY_LIMIT,
  health,
  identityKey,
  trustProxy,
  propagateRequestId = false,
}: HttpAppOptions) {
  const app = Fastify({
    loggerInstance: logger,
    bodyLimit,
    ...(trustProxy?.length && { trustProxy }),
    routerOptions: { ignoreTrailingSlash: true },
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
    // Errors the router raises before any hook runs (an over-long parameter, a malformed URL).
    frameworkErrors: (error, request, routeReply) => {
      const problem = toProblem(error);
      // Its generics type this reply for no route in particular; it is an ordinary reply.
      const reply = routeReply as unknown as FastifyReply;
      void reply
        .code(problem.status)
        .header('x-request-id', request.id)
        .type('application/problem+json')
        .send(JSON.stringify(problem));
    },
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    // Everything after this hook, handler included, runs inside the request's context.
    if (propagateRequestId) requestIds.run(request.id, done);
    else done();
  });

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
    if (problem.status === 503) {
      // A dependency is down or too slow: the client may retry, after a pause.
      request.log.warn({ err: error }, 'dependency unavailable');
      void reply.header('retry-after', String(RETRY_AFTER_SECONDS));
    } else if (problem.status >= 500) request.log.error({ err: error }, 'request failed');
    else request.log.info({ status: problem.status, problem: problem.type }, 'request refused');
    return reply.code(problem.status).type('application/problem+json').send(JSON.stringify(problem));
  });

  app.setNotFoundHandler((request, reply) => {
    const problem = toProblem({ statusCode: 404, message: `no route ${request.method} ${request.url.split('?')[0]}` });
    return reply.code(404).type('application/problem+json').send(JSON.stringify(problem));
  });

  app.get('/health', { schema: { hide: true } }, async (_request, reply) => {
    const ok = health ? await health().catch(() => false) : true;
    return reply.code(ok ? 200 : 503).send({ status: ok ? 'ok' : 'unavailable' });
  });

  return app;
}

export type HttpApp = ReturnType<typeof createHttpApp>;

/** A route hook for owner routes: 401 without credentials, before the request is validated. */
export const ownerOnly = async (request: { principal: Principal }): Promise<void> => requireUser(request.principal);
