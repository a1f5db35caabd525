import type { FastifyDynamicSwaggerOptions, SwaggerTransformObject } from '@fastify/swagger';
import {
  envelope,
  messageSchemas,
  WEBHOOK_EVENT_TYPES,
  type Access,
  type RouteDeclaration,
} from '@slotkeeper/contracts';
import { RETRY_AFTER_SECONDS } from '@slotkeeper/http-kit';
import { jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { z } from 'zod';

/**
 * The OpenAPI document the gateway serves at `/docs/json`: the routes come from their declarations
 * in contracts (`apiRoutes`, through @fastify/swagger and fastify-type-provider-zod), the named
 * schemas from the zod registry, and the messages from `messageSchemas`, so nothing here restates
 * a schema or a status.
 */

// Each message's envelope, with its own `type`, registered as the component `<Type>Message`.
for (const [type, data] of Object.entries(messageSchemas)) {
  envelope
    .extend({ type: z.literal(type), data })
    .meta({ id: `${type}Message`, description: `On \`<AMQP_PREFIX>.events\` with routing key \`${type}\`` });
}

const ref = (kind: 'schemas' | 'responses', name: string) => ({ $ref: `#/components/${kind}/${name}` });
const problemContent = { 'application/problem+json': { schema: ref('schemas', 'Problem') } };
const retryAfter = {
  'Retry-After': { description: 'Seconds to wait before trying again', schema: { type: 'integer' as const } },
};

const DESCRIPTION = `Users, availability schedules, calendars and bookings that never overlap.

Instants are ISO-8601 with an offset; output is UTC unless \`?tz=\` names an IANA zone. Every path
also works with a trailing slash. Every response carries \`x-request-id\` (the request's own when it
is a token of at most 128 characters of \`A-Za-z0-9._:-\`, a fresh one otherwise).

**Errors** are RFC 9457 \`application/problem+json\` documents, whoever answers: a service, the
gateway, the HTTP parser (431 when the request line and headers exceed 16 KiB), the router (405 with
\`Allow\` for a method a path does not serve, 404 for an unknown path), a proxy error or a shutdown
(503). Every 503 and 429 carries \`Retry-After\`.

**Credentials**: owner routes take \`Authorization: Bearer <api_key>\` (returned once by
\`POST /api/user/users\`): 401 without valid credentials, 403 with another user's. A booking's
\`cancel_token\` reads and cancels that one event. A malformed or unknown \`Authorization\` is 401
on public routes too. Each client address may send \`RATE_LIMIT_PER_MINUTE\` requests a minute
(default 1000), then 429.

**CORS**: public routes, \`/health\` and \`/docs\` answer pages of any origin, without credentials;
so do the event routes a cancel token opens (read, cancel, reschedule), which a booking page served
from anywhere calls with the booker's token. Owner routes answer only pages of the origins listed in
\`CORS_ORIGINS\` (none by default), with credentials. A preflight \`OPTIONS\` answers 204, with the
CORS headers only when that origin may call the method it names on that path.

**Webhooks**: each change an owner's webhook subscribes to is POSTed to its URL as described
under \`webhooks\`, signed by the Standard Webhooks scheme with the secret its creation returned;
\`webhook-id\` is the same on every retry of one delivery. Any 2xx is success; otherwise it is
retried for about a day. No order is promised between deliveries: compare \`timestamp\`.

**Messages**: the services publish the messages listed under \`x-messages\` (schemas
\`<Type>Message\`) on the durable topic exchange \`<AMQP_PREFIX>.events\`, routing key = type.`;

const TAGS = {
  users: 'Users and their api keys',
  schedules: 'Weekly availability schedules with date overrides',
  calendars: 'Calendars, the schedules they link, and their booking rules',
  events: 'Bookings: never two on overlapping times of one calendar',
  availability: 'Free time and bookable slots, of one calendar or several at once',
  'busy sources': "The owner's other calendars that block bookings, writing bookings back, and the calendar's feed",
  webhooks: "Endpoints told of every change of an owner's bookings, signed and retried",
  operations: 'Whether the system can serve',
};

/** The `openapi` options of @fastify/swagger: everything but the paths and the schemas. */
export function openapiDefinition(bodyLimit: number): NonNullable<FastifyDynamicSwaggerOptions['openapi']> {
  const definition: NonNullable<FastifyDynamicSwaggerOptions['openapi']> = {
    openapi: '3.1.0',
    info: { title: 'Slotkeeper scheduling API', version: '0.1.0', description: DESCRIPTION },
    servers: [{ url: '/', description: 'This gateway' }],
    tags: Object.entries(TAGS).map(([name, description]) => ({ name, description })),
    components: {
      securitySchemes: {
        apiKey: {
          type: 'http',
          scheme: 'bearer',
          description: 'The `api_key` returned once by `POST /api/user/users`; owner routes need it.',
        },
        cancelToken: {
          type: 'http',
          scheme: 'bearer',
          description: 'The `cancel_token` of a booking: reads and cancels that one event.',
        },
      },
      responses: {
        PayloadTooLarge: { description: `The body is larger than ${bodyLimit / 1024} KiB`, content: problemContent },
        UnsupportedMediaType: { description: 'The body is not `application/json`', content: problemContent },
        TooManyRequests: {
          description: 'More requests from this address than the rate limit allows',
          headers: retryAfter,
          content: problemContent,
        },
        ServiceUnavailable: {
          description: `A database, the broker or another service is unavailable, or the process is shutting down; retry after \`Retry-After\` seconds (${RETRY_AFTER_SECONDS})`,
          headers: retryAfter,
          content: problemContent,
        },
      },
    },
  };
  // An extension (OpenAPI describes no message queues); @fastify/swagger copies `x-` keys as they are.
  const messages = Object.keys(messageSchemas).map((type) => [
    type,
    { exchange: '<AMQP_PREFIX>.events', 'routing-key': type, payload: ref('schemas', `${type}Message`) },
  ]);
  return Object.assign(definition, { webhooks: webhookOperations(), 'x-messages': Object.fromEntries(messages) });
}

/** OpenAPI 3.1's `webhooks`: what a subscribed endpoint receives, one operation per event type. */
function webhookOperations() {
  const header = (name: string, description: string) => ({
    name,
    in: 'header',
    required: true,
    description,
    schema: { type: 'string' },
  });
  const operation = (type: string) => ({
    post: {
      operationId: `${type.replace(/\.(\w)/, (_, c: string) => c.toUpperCase())}Webhook`,
      summary: `\`${type}\` POSTed to a webhook subscribed to it`,
      tags: ['webhooks'],
      // The receiver checks our signature, not a credential of its own.
      security: [],
      parameters: [
        header('webhook-id', 'The delivery: the same on every retry of it (drop repeats by it)'),
        header('webhook-timestamp', "The attempt's time, in seconds since the epoch"),
        header('webhook-signature', '`v1,` and the base64 HMAC-SHA256 of `{id}.{timestamp}.{body}` under the secret'),
      ],
      requestBody: { required: true, content: { 'application/json': { schema: ref('schemas', 'WebhookPayload') } } },
      responses: { '2XX': { description: 'Received; anything else (or no answer in 10 s) is retried' } },
    },
  });
  return Object.fromEntries(WEBHOOK_EVENT_TYPES.map((type) => [type, operation(type)]));
}

const DESCRIPTIONS: Record<string, string> = {
  200: 'OK',
  201: 'Created',
  400: 'Invalid request: `errors` lists every bad field',
  401: 'Missing, malformed or unknown credentials',
  403: "Another user's credentials",
  404: 'Unknown id',
  409: 'In conflict with what is stored (see `detail`)',
  422: 'Well-formed, but not bookable (see `detail`)',
};

/** Answers any route may give, described once under `components.responses`. */
const SHARED_RESPONSES: Record<string, string> = {
  413: 'PayloadTooLarge',
  415: 'UnsupportedMediaType',
  429: 'TooManyRequests',
  503: 'ServiceUnavailable',
};

const SECURITY: Record<Access, Array<Record<string, string[]>>> = {
  public: [],
  owner: [{ apiKey: [] }],
  'owner-or-cancel-token': [{ apiKey: [] }, { cancelToken: [] }],
};

/** One documented answer: a refusal is a problem document, a 204 has no body at all. */
function answer(status: string, schema: z.ZodType) {
  if (status === '204') return schema;
  const refused = Number(status) >= 400;
  const description = DESCRIPTIONS[status] ?? (refused ? 'Refused' : 'OK');
  // A body that is not JSON (the calendar feed) names its media type in the schema's metadata.
  const media = z.globalRegistry.get(schema)?.contentMediaType;
  const type = refused ? 'application/problem+json' : typeof media === 'string' ? media : 'application/json';
  return { description, content: { [type]: { schema } } };
}

/**
 * A declared route's schema for the docs: its input, name, security, and every answer its
 * declaration lists. Typed loosely: the gateway relays whatever the service answered, it does
 * not build the replies.
 */
export function documented(route: RouteDeclaration) {
  const { response, ...input } = route.schema;
  return {
    ...input,
    operationId: route.operationId,
    summary: route.summary,
    tags: [route.tag],
    security: SECURITY[route.access],
    response: Object.fromEntries(Object.entries(response).map(([status, schema]) => [status, answer(status, schema)])),
  };
}

interface Operation {
  requestBody?: unknown;
  responses?: Record<string, unknown>;
}
interface Document {
  paths?: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, unknown> };
}

const refsIn = (value: unknown): string[] =>
  [...JSON.stringify(value).matchAll(/"#\/components\/schemas\/([^"]+)"/g)].map((match) => match[1]!);

/**
 * Completes the document @fastify/swagger built: the named zod schemas become its components
 * (fastify-type-provider-zod's `jsonSchemaTransformObject`), the answers any route may give (413,
 * 415, 429, 503) refer to their one description, the 429 and 503 of the gateway itself are added
 * to its own routes (`/health`), which no declaration lists, and components no one refers to (the
 * `…Input` twins of output schemas) are left out.
 */
export const completeDocument: SwaggerTransformObject = (input) => {
  const doc = jsonSchemaTransformObject(input) as Document;
  for (const operations of Object.values(doc.paths ?? {})) {
    for (const operation of Object.values(operations)) {
      const responses = (operation.responses ??= {});
      for (const status of new Set([...Object.keys(responses), '429', '503'])) {
        const shared = SHARED_RESPONSES[status];
        if (shared) responses[status] = ref('responses', shared);
      }
    }
  }
  const schemas = doc.components?.schemas ?? {};
  const used = new Set(refsIn({ ...doc, components: { ...doc.components, schemas: {} } }));
  // A Set's iteration visits what is added during it: the schemas the used ones refer to.
  for (const name of used) refsIn(schemas[name] ?? {}).forEach((inner) => used.add(inner));
  return {
    ...doc,
    components: {
      ...doc.components,
      schemas: Object.fromEntries(Object.entries(schemas).filter(([n]) => used.has(n))),
    },
  } as ReturnType<typeof jsonSchemaTransformObject>;
};
