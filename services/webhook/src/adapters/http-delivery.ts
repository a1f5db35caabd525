import { OutboundError, outboundClient, type OutboundClient } from '@slotkeeper/outbound-http';
import type { AttemptOutcome } from '../domain/delivery.js';
import type { Sender } from '../domain/delivery-use-cases.js';
import { signAttempt } from './signer.js';

/** The deadline of one attempt: connection and response headers together (the body is not read). */
export const WEBHOOK_TIMEOUT_MS = 10_000;
/** What the client would read of a body at most; an attempt reads none (it discards the answer's body). */
export const WEBHOOK_MAX_RESPONSE_BYTES = 64 * 1024;

/**
 * The client webhooks are POSTed with: addresses checked where the socket connects (public only
 * unless `allowPrivate`, the operator's `ALLOW_PRIVATE_URLS`), no redirect followed (a 3xx is a
 * failed attempt: following one would send a signed body somewhere the owner never named), one
 * deadline and a small size limit, so a slow receiver holds one attempt only.
 */
export const webhookClient = (
  allowPrivate: boolean,
  overrides: Omit<Parameters<typeof outboundClient>[0], 'allowPrivate' | 'maxRedirects'> = {},
): OutboundClient =>
  outboundClient({
    allowPrivate,
    connectTimeoutMs: 5_000,
    headersTimeoutMs: WEBHOOK_TIMEOUT_MS,
    bodyTimeoutMs: WEBHOOK_TIMEOUT_MS,
    totalTimeoutMs: WEBHOOK_TIMEOUT_MS,
    maxResponseBytes: WEBHOOK_MAX_RESPONSE_BYTES,
    ...overrides,
    maxRedirects: 0,
  });

export interface Attempt {
  url: string;
  /** The webhook's secret, opened for this attempt. */
  secret: string;
  /** The delivery id: the `webhook-id` header. */
  id: string;
  body: string;
  at: Date;
}

/**
 * POSTs one signed attempt. Any 2xx is success, decided by the status line: the answer's body is
 * discarded unread, so a large or slow one cannot fail an attempt the receiver accepted (a retry
 * would deliver it twice). Anything else, a timeout, a refused address or a broken connection is a
 * failure with an error safe to show the owner: the status, or the client's own message (method
 * and origin, never the path, a header or the body).
 */
export async function attemptDelivery(client: OutboundClient, attempt: Attempt): Promise<AttemptOutcome> {
  let statusCode: number;
  try {
    const response = await client.request(attempt.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Slotkeeper-Webhooks/1',
        ...signAttempt(attempt.secret, attempt.id, attempt.at, attempt.body),
      },
      body: attempt.body,
      discardBody: true,
    });
    statusCode = response.statusCode;
  } catch (error) {
    const message = error instanceof OutboundError ? error.message : 'the request failed unexpectedly';
    return { ok: false, statusCode: null, error: message };
  }
  if (statusCode >= 200 && statusCode < 300) return { ok: true, statusCode };
  const redirect = statusCode >= 300 && statusCode < 400 ? ' (redirects are not followed)' : '';
  return { ok: false, statusCode, error: `the endpoint answered ${statusCode}${redirect}` };
}

/** The domain's `Sender` over a webhook client. */
export const httpSender = (client: OutboundClient): Sender => ({ send: (attempt) => attemptDelivery(client, attempt) });
