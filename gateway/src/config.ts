import { listenConfig } from '@slotkeeper/http-kit';
import { z } from 'zod';

/** What configures the gateway, in front of separate services or of the embedded system. */
export const gatewayConfig = listenConfig.extend({
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
});
