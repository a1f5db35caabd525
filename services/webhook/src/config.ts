import { serviceConfig } from '@slotkeeper/http-kit';
import { busConfig } from '@slotkeeper/messaging';
import { mongoConfig } from '@slotkeeper/mongo';
import { secretKeysSchema } from '@slotkeeper/secret-box';
import { z } from 'zod';
import { retryDelaysSchema } from './domain/retry-schedule.js';

/** The webhook service's environment. */
export const webhookConfig = serviceConfig
  .extend(busConfig.shape)
  .extend(mongoConfig.shape)
  .extend({
    CALENDAR_SERVICE_URL: z.url(),
    /** `<id>:<base64 32 bytes>[,…]`: the first key seals webhook secrets, every key opens. */
    SECRET_KEYS: secretKeysSchema,
    /** Allows webhook URLs on loopback, private and link-local addresses (a receiver on the same host). */
    ALLOW_PRIVATE_URLS: z.stringbool().default(false),
    /** The waits between attempts, such as `5s,5m,30m` (default: 5 s, 5 min, 30 min, 2 h, 4 h, 7 h, 11 h). */
    WEBHOOK_RETRY_DELAYS: retryDelaysSchema,
  });
export type WebhookConfig = z.infer<typeof webhookConfig>;
