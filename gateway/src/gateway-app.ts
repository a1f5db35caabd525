import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { ServiceUnavailableError } from '@slotkeeper/errors';
import { createHttpApp, DEFAULT_BODY_LIMIT, type Upstream } from '@slotkeeper/http-kit';
import type { Logger } from '@slotkeeper/observability';
import type { FastifyRequest } from 'fastify';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';
import { ROUTES, type ServiceName } from './route-table.js';

export interface GatewayDeps {
  logger: Logger;
  upstreams: Record<ServiceName, Upstream>;
  bodyLimit?: number;
}

/** Request headers a service may see; everything else stays at the edge. */
const FORWARDED_HEADERS = ['content-type', 'accept', 'idempotency-key', 'authorization', 'user-agent'];
/** Response headers a client may see from a service. */
const RETURNED_HEADERS = ['content-type', 'retry-after', 'location'];

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
export async function buildGateway({ logger, upstreams, bodyLimit = DEFAULT_BODY_LIMIT }: GatewayDeps) {
  const app = createHttpApp({ logger, bodyLimit, health: () => healthOf(upstreams) });
  // The zod schemas describe the routes for the docs; validating them twice would only let the
  // two copies drift, so the gateway accepts what it forwards and the service judges it.
  app.setValidatorCompiler(() => (data) => ({ value: data }));
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Slotkeeper scheduling API',
        version: '0.1.0',
        description:
          'Users, availability schedules, calendars and bookings that never overlap. Instants are ISO-8601 ' +
          'with an offset; output is UTC unless `?tz=` names an IANA zone. Every path also works with a ' +
          'trailing slash. Errors are RFC 9457 problem+json. Every response carries `x-request-id`.',
      },
      tags: ['users', 'schedules', 'calendars', 'events', 'availability'].map((name) => ({ name })),
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  for (const route of ROUTES) {
    const upstream = upstreams[route.service];
    app.route({
      method: route.method,
      url: route.url,
      schema: { ...route.schema, summary: route.summary, tags: [route.tag] },
      handler: async (request, reply) => {
        const body = request.body as Buffer | undefined;
        const response = await upstream
          .request({
            method: request.method,
            url: request.url,
            headers: forwardHeaders(request),
            ...(body && { body }),
          })
          .catch((error: unknown) => {
            request.log.error({ err: error, service: route.service }, 'upstream unreachable');
            throw new ServiceUnavailableError(`the ${route.service} service is unreachable`);
          });
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
