import { z } from 'zod';

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/**
 * The waits before each retry of a delivery that failed (any non-2xx, a timeout, a connection
 * error): 5 s, 5 min, 30 min, 2 h, 4 h, 7 h, 11 h. Growing waits for a day, as the contract
 * says: eight attempts over 24 h 35 min, so a receiver down for a whole day still gets every
 * delivery. The Standard Webhooks reference schedule (Svix's: …, 5 h, 10 h, 10 h) runs 27 h 35 min
 * and does not grow at its end. After the last retry fails the delivery is `failed`.
 */
export const DEFAULT_WEBHOOK_RETRY_DELAYS_MS: readonly number[] = [
  5 * SECOND,
  5 * MINUTE,
  30 * MINUTE,
  2 * HOUR,
  4 * HOUR,
  7 * HOUR,
  11 * HOUR,
];

const UNIT_MS = { ms: 1, s: SECOND, m: MINUTE, h: HOUR } as const;
const DELAY = /^(\d{1,9})(ms|s|m|h)$/;

/**
 * `WEBHOOK_RETRY_DELAYS`: comma-separated waits, each a whole number with its unit (`ms`, `s`,
 * `m`, `h`), such as `100ms,200ms` in tests. A bare number is refused: its unit would be a guess.
 * Empty or unset: the default. At most 20 retries, none longer than a day.
 */
export const retryDelaysSchema = z
  .string()
  .optional()
  .transform((value, ctx): readonly number[] => {
    if (value === undefined || value.trim() === '') return DEFAULT_WEBHOOK_RETRY_DELAYS_MS;
    const parts = value.split(',').map((part) => part.trim());
    const delays: number[] = [];
    for (const part of parts) {
      const match = DELAY.exec(part);
      const ms = match ? Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS] : NaN;
      if (!(ms > 0 && ms <= 24 * HOUR)) {
        ctx.addIssue({ code: 'custom', message: `"${part}" is not a wait such as 500ms, 5s, 5m or 2h (at most 24h)` });
        return z.NEVER;
      }
      delays.push(ms);
    }
    if (delays.length > 20) {
      ctx.addIssue({ code: 'custom', message: 'at most 20 retries' });
      return z.NEVER;
    }
    return delays;
  });

/** After the `attempts`-th failed attempt: when to try again, or null when the last retry has been used. */
export function nextAttemptAt(attempts: number, now: Date, delaysMs: readonly number[]): Date | null {
  const delay = delaysMs[attempts - 1];
  return delay === undefined ? null : new Date(now.getTime() + delay);
}
