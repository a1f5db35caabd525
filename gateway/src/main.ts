import { internalKeys } from '@slotkeeper/auth';
import { httpUpstream, internalSecret, listenUntilSignal, readConfig } from '@slotkeeper/http-kit';
import { AmqpBus, busConfig } from '@slotkeeper/messaging';
import { createLogger } from '@slotkeeper/observability';
import { z } from 'zod';
import { gatewayConfig } from './config.js';
import { buildGateway } from './gateway-app.js';

/** The gateway in front of separate services (the stack, compose); `pnpm start` runs the embedded system. */
const config = readConfig(
  gatewayConfig.extend(busConfig.shape).extend({
    USER_SERVICE_URL: z.url(),
    SCHEDULE_SERVICE_URL: z.url(),
    CALENDAR_SERVICE_URL: z.url(),
    BOOKING_SERVICE_URL: z.url(),
    SYNC_SERVICE_URL: z.url(),
    WEBHOOK_SERVICE_URL: z.url(),
    /** The services trust only identities signed with it. */
    INTERNAL_AUTH_SECRET: internalSecret,
  }),
);
const logger = createLogger({ service: 'gateway' });
// Only to hear ApiKeyRotated; without a broker a replaced key works on for the cache's 30 seconds.
const bus = config.AMQP_URL
  ? await AmqpBus.connect({ url: config.AMQP_URL, logger, exchange: `${config.AMQP_PREFIX}.events` })
  : undefined;
const gateway = await buildGateway({
  logger,
  upstreams: {
    user: httpUpstream(config.USER_SERVICE_URL),
    schedule: httpUpstream(config.SCHEDULE_SERVICE_URL),
    calendar: httpUpstream(config.CALENDAR_SERVICE_URL),
    booking: httpUpstream(config.BOOKING_SERVICE_URL),
    sync: httpUpstream(config.SYNC_SERVICE_URL),
    webhook: httpUpstream(config.WEBHOOK_SERVICE_URL),
  },
  identityKey: internalKeys(config.INTERNAL_AUTH_SECRET).identity,
  rateLimitPerMinute: config.RATE_LIMIT_PER_MINUTE,
  corsOrigins: config.CORS_ORIGINS,
  ...(config.TRUST_PROXY && { trustProxy: config.TRUST_PROXY }),
  ...(bus && { bus }),
});
const address = await listenUntilSignal(gateway, config, async () => bus?.close());
console.log(`Slotkeeper gateway (to separate services) listening on ${address}`);
console.log(`API reference: ${address}/docs`);
