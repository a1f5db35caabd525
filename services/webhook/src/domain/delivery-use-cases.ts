import type { Clock } from '@slotkeeper/time';
import { afterAttempt, newDelivery, type AttemptOutcome, type Delivery } from './delivery.js';
import { payloadBody, webhookPayloadOf, WEBHOOK_TYPE_OF, type WebhookMessage } from './payload.js';
import type { WebhookStore } from './ports.js';
import { openSecret, type SecretSealer, type WebhookSubscription } from './webhook.js';

/** Sends one signed attempt (the HTTP adapter's `attemptDelivery` over the webhook client). */
export interface Sender {
  send(attempt: { url: string; secret: string; id: string; body: string; at: Date }): Promise<AttemptOutcome>;
}

export interface DeliveryDeps {
  store: WebhookStore;
  secrets: SecretSealer;
  sender: Sender;
  clock: Clock;
  /** The waits between attempts (`WEBHOOK_RETRY_DELAYS`). */
  retryDelaysMs: readonly number[];
}

/** A delivery's `last_error` when its webhook's secret will not open: safe to show, and says what to do. */
export const SECRET_UNREADABLE =
  'its signing secret cannot be opened with the configured SECRET_KEYS: the key that sealed it must be restored';

/**
 * Records, for a change of one of `userId`'s calendars, one delivery per webhook of theirs that
 * it matches, each with the same body. Its ids come from the message's, so a message the broker
 * delivers again records nothing new: the deliveries returned are those of this message, new or
 * already recorded (a recorded one may be under way or done: its status says).
 */
export async function recordDeliveries(
  deps: Pick<DeliveryDeps, 'store' | 'clock'>,
  message: WebhookMessage,
  userId: string,
): Promise<Delivery[]> {
  const type = WEBHOOK_TYPE_OF[message.type];
  const webhooks = await deps.store.matching(userId, type, message.data.calendar_id);
  if (webhooks.length === 0) return [];
  const body = payloadBody(webhookPayloadOf(message));
  const now = deps.clock.now();
  const deliveries: Delivery[] = [];
  for (const webhook of webhooks) {
    const delivery = newDelivery(
      { webhookId: webhook.id, userId, type, eventId: message.data.id, messageId: message.id, body },
      now,
    );
    deliveries.push(
      (await deps.store.record(delivery)) ? delivery : ((await deps.store.findDelivery(delivery.id)) ?? delivery),
    );
  }
  return deliveries;
}

/** How `attemptOnce` ended. */
export type AttemptResult =
  /** Tried: the delivery as it stands now (delivered, pending until `nextAttemptAt`, or failed). */
  | { kind: 'attempted'; delivery: Delivery }
  /** Nothing to do: it was delivered or given up already (a repeated retry message). */
  | { kind: 'settled'; delivery: Delivery }
  /** The delivery or its webhook is gone (the webhook was deleted): nothing is sent. */
  | { kind: 'gone' };

/**
 * Makes one attempt of a pending delivery: opens its webhook's secret, signs and sends the
 * recorded body under the delivery's id, and writes the outcome. Whoever holds the retries (the
 * broker or the store) calls it again at `nextAttemptAt` while the delivery is pending. A secret
 * that will not open counts as a failed attempt, nothing sent, so restoring the key within the
 * retry window lets the delivery through.
 */
export async function attemptOnce(deps: DeliveryDeps, deliveryId: string): Promise<AttemptResult> {
  const delivery = await deps.store.findDelivery(deliveryId);
  if (!delivery) return { kind: 'gone' };
  if (delivery.status !== 'pending') return { kind: 'settled', delivery };
  const webhook = await deps.store.find(delivery.webhookId);
  if (!webhook) return { kind: 'gone' };

  const secret = openedSecret(webhook, deps.secrets);
  const outcome: AttemptOutcome =
    secret === null
      ? { ok: false, statusCode: null, error: SECRET_UNREADABLE }
      : await deps.sender.send({
          url: webhook.url,
          secret,
          id: delivery.id,
          body: delivery.body,
          at: deps.clock.now(),
        });
  const update = afterAttempt(delivery, outcome, deps.clock.now(), deps.retryDelaysMs);
  // Deleted meanwhile: the attempt went out, but there is no log left to write it in.
  if (!(await deps.store.update(delivery.id, update))) return { kind: 'gone' };
  return { kind: 'attempted', delivery: { ...delivery, ...update } };
}

/** The webhook's secret, or null when it will not open (its key left SECRET_KEYS, or it was altered). */
function openedSecret(webhook: WebhookSubscription, secrets: SecretSealer): string | null {
  try {
    return openSecret(webhook, secrets);
  } catch {
    return null;
  }
}
