import type { WebhookDeliveryStatus, WebhookEventType } from '@slotkeeper/contracts';
import { nextAttemptAt } from './retry-schedule.js';

/**
 * One message delivered to one webhook, over all its attempts. Its id is the `webhook-id`
 * header, the same on every attempt, so a receiver drops a repeat by it.
 */
export interface Delivery {
  id: string;
  webhookId: string;
  userId: string;
  type: WebhookEventType;
  eventId: string;
  /** The bus message it came from: the delivery id is derived from it and the webhook's. */
  messageId: string;
  /** The JSON body, as built once: every attempt sends (and signs) these same bytes. */
  body: string;
  status: WebhookDeliveryStatus;
  attempts: number;
  /** The endpoint's last HTTP status; null when none came (timeout, refused connection). */
  lastStatusCode: number | null;
  /** Why the last attempt failed, in words safe to show the owner (status or origin, never a body); null once delivered. */
  lastError: string | null;
  nextAttemptAt: Date | null;
  createdAt: Date;
}

/**
 * The delivery id of a message for a webhook: `msg_`, the webhook's id and the message's (a UUID,
 * its dashes dropped). The same message redelivered by the broker makes the same id, so the log
 * records it once and the receiver sees one `webhook-id` however often it is tried.
 */
export const deliveryId = (messageId: string, webhookId: string): string =>
  `msg_${webhookId}${messageId.replaceAll('-', '').toLowerCase()}`;

export type NewDelivery = Pick<Delivery, 'webhookId' | 'userId' | 'type' | 'eventId' | 'messageId' | 'body'>;

/** A delivery as first recorded: pending, due now, not yet tried. */
export const newDelivery = (fields: NewDelivery, now: Date): Delivery => ({
  ...fields,
  id: deliveryId(fields.messageId, fields.webhookId),
  status: 'pending',
  attempts: 0,
  lastStatusCode: null,
  lastError: null,
  nextAttemptAt: now,
  createdAt: now,
});

/** How one attempt ended. */
export type AttemptOutcome = { ok: true; statusCode: number } | { ok: false; statusCode: number | null; error: string };

/** What an attempt changes in its delivery. */
export type DeliveryUpdate = Pick<Delivery, 'status' | 'attempts' | 'lastStatusCode' | 'lastError' | 'nextAttemptAt'>;

/**
 * The delivery after one more attempt: delivered on a 2xx; otherwise pending until the next
 * wait of `delaysMs`, or failed once they are used up.
 */
export function afterAttempt(
  delivery: Pick<Delivery, 'attempts'>,
  outcome: AttemptOutcome,
  now: Date,
  delaysMs: readonly number[],
): DeliveryUpdate {
  const attempts = delivery.attempts + 1;
  if (outcome.ok)
    return { status: 'delivered', attempts, lastStatusCode: outcome.statusCode, lastError: null, nextAttemptAt: null };
  const next = nextAttemptAt(attempts, now, delaysMs);
  return {
    status: next ? 'pending' : 'failed',
    attempts,
    lastStatusCode: outcome.statusCode,
    lastError: outcome.error,
    nextAttemptAt: next,
  };
}
