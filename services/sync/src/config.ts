import { serviceConfig } from '@slotkeeper/http-kit';
import { busConfig } from '@slotkeeper/messaging';
import { mongoConfig } from '@slotkeeper/mongo';
import { secretKeysSchema } from '@slotkeeper/secret-box';
import { z } from 'zod';

/** The sync service's environment. */
export const syncConfig = serviceConfig
  .extend(busConfig.shape)
  .extend(mongoConfig.shape)
  .extend({
    CALENDAR_SERVICE_URL: z.url(),
    BOOKING_SERVICE_URL: z.url(),
    /** The gateway's public address: feed URLs start with it. */
    PUBLIC_BASE_URL: z.url().default('http://127.0.0.1:3000'),
    /** `<id>:<base64 32 bytes>[,…]`: the first key seals source URLs and passwords, every key opens. */
    SECRET_KEYS: secretKeysSchema,
    /** Seconds between two syncs of a source (fractions for tests). */
    BUSY_SYNC_SECONDS: z.coerce.number().positive().default(300),
    /** Days ahead busy times are read. */
    BUSY_WINDOW_DAYS: z.coerce.number().int().min(1).max(3_650).default(365),
    /** Allows source URLs on loopback, private and link-local addresses (a local CalDAV server). */
    ALLOW_PRIVATE_URLS: z.stringbool().default(false),
  });
export type SyncConfig = z.infer<typeof syncConfig>;
