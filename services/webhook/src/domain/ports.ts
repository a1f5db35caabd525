/*
 * The webhook service's ports. The domain imports only zod and the contracts, errors and time
 * packages; randomness, signing and HTTP are adapters'.
 */
import type { WebhookEventType } from '@slotkeeper/contracts';
import type { Delivery, DeliveryUpdate } from './delivery.js';
import type { WebhookSubscription } from './webhook.js';

/** The owners' webhooks (collection `webhooks`). */
export interface WebhookRepository {
  /** Adds the webhook unless its user holds `max` already (false: nothing written). */
  create(webhook: WebhookSubscription, max: number): Promise<boolean>;
  find(id: string): Promise<WebhookSubscription | null>;
  /** A user's webhooks, by creation, then id. */
  listByUser(userId: string): Promise<WebhookSubscription[]>;
  /**
   * Removes the user's webhook and its delivery log, and leaves a tombstone of its id until
   * `tombstoneUntil` (the longest a delivery of it may still be waiting for a retry on the broker);
   * false when the user has no such webhook: nothing written.
   */
  delete(userId: string, id: string, tombstoneUntil: Date): Promise<boolean>;
  /** Whether a webhook of this id was deleted and its tombstone still stands at `now`: its deliveries are dropped. */
  wasDeleted(id: string, now: Date): Promise<boolean>;
  /** The user's webhooks told of a change of this type on this calendar (see `matches`), by creation. */
  matching(userId: string, eventType: WebhookEventType, calendarId: string): Promise<WebhookSubscription[]>;
}

/** Each webhook's deliveries (collection `webhook_deliveries`). */
export interface DeliveryLog {
  /**
   * Records a new delivery; false when one of that id is there already (a redelivered message):
   * nothing written. A log keeps a webhook's deliveries for `DELIVERY_LOG_DAYS` (30) at least; the
   * memory store keeps the newest `MEMORY_DELIVERIES_PER_WEBHOOK` (1,000) of each.
   */
  record(delivery: Delivery): Promise<boolean>;
  findDelivery(id: string): Promise<Delivery | null>;
  /** Writes an attempt's outcome; false when the delivery is gone (its webhook was deleted). */
  update(id: string, update: DeliveryUpdate): Promise<boolean>;
  /** A webhook's deliveries, newest first (then id, descending), at most `limit`. */
  listByWebhook(webhookId: string, limit: number): Promise<Delivery[]>;
}

export type WebhookStore = WebhookRepository & DeliveryLog;

/** How long the MongoDB log keeps a delivery (a TTL index on `created_at`). */
export const DELIVERY_LOG_DAYS = 30;
/** How many deliveries per webhook the memory store keeps, the newest (the embedded mode's bound). */
export const MEMORY_DELIVERIES_PER_WEBHOOK = 1_000;
