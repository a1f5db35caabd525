import { listenConfig } from '@slotkeeper/http-kit';
import { z } from 'zod';

/** Comma-separated entries, blanks dropped. */
const list = (value: string | undefined) =>
  value
    ?.split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);

/**
 * An origin as a browser sends it in `Origin`: `scheme://host[:port]`, lower-case, without the
 * default port (`https://App.example.com:443/` is read as `https://app.example.com`).
 */
const origin = z
  .url({ protocol: /^https?$/, error: 'must be an http(s) origin, like https://app.example.com' })
  .transform((value, context) => {
    const url = new URL(value);
    if (url.pathname === '/' && !url.search && !url.hash && !url.username && !url.password) return url.origin;
    context.addIssue({ code: 'custom', input: value, message: `${value} is not an origin (scheme://host[:port])` });
    return z.NEVER;
  });

/** What configures the gateway, in front of separate services or of the embedded system. */
export const gatewayConfig = listenConfig.extend({
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().positive().default(1000),
  /** Where people reach the gateway: notification emails link to its booking pages. */
  PUBLIC_BASE_URL: z.url().optional(),
  /** Comma-separated addresses or CIDR ranges of proxies in front of the gateway. */
  TRUST_PROXY: z.string().optional().transform(list),
  /** Comma-separated origins whose pages may call owner routes; none by default. */
  CORS_ORIGINS: z
    .string()
    .optional()
    .transform((value) => list(value) ?? [])
    .pipe(z.array(origin)),
});
