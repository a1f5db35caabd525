import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';

/**
 * The bytes of a new signing secret. Standard Webhooks asks for 24 to 64 random bytes; 32 is
 * HMAC-SHA256's own key length.
 */
export const WEBHOOK_SECRET_BYTES = 32;

/**
 * A new secret as Standard Webhooks spells it: `whsec_` and the key in standard, padded base64
 * (what `new Webhook(secret)` of the `standardwebhooks` package decodes, in every language).
 */
export const generateWebhookSecret = (): string => `whsec_${randomBytes(WEBHOOK_SECRET_BYTES).toString('base64')}`;

/** The Standard Webhooks headers of one attempt. */
export interface SignatureHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

/**
 * Signs one attempt with the `standardwebhooks` package: HMAC-SHA256 of `{id}.{timestamp}.{body}`.
 * `at` is the attempt's time, not the change's: receivers refuse a timestamp more than 5 minutes
 * from their clock, so each retry is signed anew (the id and body stay the same).
 */
export function signAttempt(secret: string, id: string, at: Date, body: string): SignatureHeaders {
  return {
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1_000)),
    'webhook-signature': new Webhook(secret).sign(id, at, body),
  };
}
