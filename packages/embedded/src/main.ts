import { gatewayConfig } from '@slotkeeper/gateway';
import { listenUntilSignal, readConfig } from '@slotkeeper/http-kit';
import { createLogger } from '@slotkeeper/observability';
import { syncConfig } from '@slotkeeper/sync-service';
import { webhookConfig } from '@slotkeeper/webhook-service';
import { buildEmbeddedSystem } from './embedded.js';

/** `pnpm start`: the whole system in this process, on in-memory stores and the in-process bus. */
const config = readConfig(
  gatewayConfig
    .extend(syncConfig.pick({ BUSY_SYNC_SECONDS: true, BUSY_WINDOW_DAYS: true, ALLOW_PRIVATE_URLS: true }).shape)
    .extend(webhookConfig.pick({ WEBHOOK_RETRY_DELAYS: true }).shape),
);
const { gateway } = await buildEmbeddedSystem({
  // Each service of the embedded system names itself on its own lines.
  logger: createLogger({}),
  rateLimitPerMinute: config.RATE_LIMIT_PER_MINUTE,
  publicBaseUrl: config.PUBLIC_BASE_URL ?? `http://${config.HOST}:${config.PORT}`,
  ...(config.TRUST_PROXY && { trustProxy: config.TRUST_PROXY }),
  ...(config.CORS_ORIGINS.length > 0 && { corsOrigins: config.CORS_ORIGINS }),
  // Busy sources on a local CalDAV server, and webhooks to a local receiver, need ALLOW_PRIVATE_URLS=true.
  allowPrivateUrls: config.ALLOW_PRIVATE_URLS,
  sync: { syncIntervalMs: config.BUSY_SYNC_SECONDS * 1_000, windowDays: config.BUSY_WINDOW_DAYS },
  webhooks: { retryDelaysMs: config.WEBHOOK_RETRY_DELAYS },
});
const address = await listenUntilSignal(gateway, config);
console.log(`Slotkeeper (embedded: in-memory stores, in-process bus) listening on ${address}`);
console.log(`API reference: ${address}/docs`);
console.log(`Booking pages: ${address}/book/{calendar_id} (try \`pnpm demo\`: it prints one)`);
