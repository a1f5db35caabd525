import { internalKeys } from '@slotkeeper/auth';
import { httpUpstream, internalSecret, listenConfig, listenUntilSignal, readConfig } from '@slotkeeper/http-kit';
import { createLogger } from '@slotkeeper/observability';
import { z } from 'zod';
import { buildEmbeddedSystem } from './embedded.js';
import { buildGateway } from './gateway-app.js';

const config = readConfig(
  listenConfig.extend({
    USER_SERVICE_URL: z.url().optional(),
    SCHEDULE_SERVICE_URL: z.url().optional(),
    CALENDAR_SERVICE_URL: z.url().optional(),
    BOOKING_SERVICE_URL: z.url().optional(),
    /** Needed with the service URLs: the services trust only identities signed with it. */
    INTERNAL_AUTH_SECRET: internalSecret.optional(),
    RATE_LIMIT_PER_MINUTE: z.coerce.number().int().positive().default(1000),
    /** Where people reach the gateway: notification emails link to its booking pages. */
    PUBLIC_BASE_URL: z.url().optional(),
    /** Comma-separated addresses or CIDR ranges of proxies in front of the gateway. */
    TRUST_PROXY: z
      .string()
      .optional()
      .transform((value) =>
        value
          ?.split(',')
          .map((entry) => entry.trim())
          .filter(Boolean),
      ),
  }),
);
const urls = [
  config.USER_SERVICE_URL,
  config.SCHEDULE_SERVICE_URL,
  config.CALENDAR_SERVICE_URL,
  config.BOOKING_SERVICE_URL,
];

let gateway;
if (urls.every((url) => url === undefined)) {
  gateway = (
    await buildEmbeddedSystem({
      // Each service of the embedded system names itself on its own lines.
      logger: createLogger({}),
      rateLimitPerMinute: config.RATE_LIMIT_PER_MINUTE,
      publicBaseUrl: config.PUBLIC_BASE_URL ?? `http://${config.HOST}:${config.PORT}`,
      ...(config.TRUST_PROXY && { trustProxy: config.TRUST_PROXY }),
    })
  ).gateway;
} else if (urls.every((url): url is string => url !== undefined)) {
  if (!config.INTERNAL_AUTH_SECRET) {
    console.error('configuration: INTERNAL_AUTH_SECRET: required with the service URLs');
    process.exit(1);
  }
  const [user, schedule, calendar, booking] = urls.map((url) => httpUpstream(url));
  gateway = await buildGateway({
    logger: createLogger({ service: 'gateway' }),
    upstreams: { user: user!, schedule: schedule!, calendar: calendar!, booking: booking! },
    identityKey: internalKeys(config.INTERNAL_AUTH_SECRET).identity,
    rateLimitPerMinute: config.RATE_LIMIT_PER_MINUTE,
    ...(config.TRUST_PROXY && { trustProxy: config.TRUST_PROXY }),
  });
} else {
  console.error('configuration: set all of USER_, SCHEDULE_, CALENDAR_ and BOOKING_SERVICE_URL, or none (embedded)');
  process.exit(1);
}
const address = await listenUntilSignal(gateway, config);
const mode = urls[0] ? 'gateway to separate services' : 'embedded: in-memory stores, in-process bus';
console.log(`Slotkeeper (${mode}) listening on ${address}`);
console.log(`API reference: ${address}/docs`);
