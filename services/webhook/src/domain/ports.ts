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
   * Removes the user's webhook and its delivery log; false when the user has no such webhook:
   * nothing written. The memory store also remembers the deletion until `tombstoneUntil` (the
   * longest a delivery of it may still wait for a retry on the broker), since a webhook it does
   * not know may only have been lost with a restart (see `standing`).
   */
  delete(userId: string, id: string, tombstoneUntil: Date): Promise<boolean>;
  /**
   * What the store can say of a webhook a delivery job names: `live`; `deleted` (its jobs send
   * nothing); or `unknown`, which only a store that forgets (the memory store, after a restart)
   * answers: the job's own copy of the URL and sealed secret then delivers it. A durable store
   * answers `deleted` for any webhook it does not hold.
   */
  standing(id: string, now: Date): Promise<WebhookStanding>;
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
  /**
   * Claims the attempt after `attempts` of a delivery for one worker until `until`, so that
   * copies of its job on other instances send nothing meanwhile: `claimed` when the delivery is
   * pending with exactly `attempts` made and no other claim stands past `freeBefore` (a claim
   * whose `until` is at or before it is taken over: `now` for an ordinary copy; later for a copy
   * the broker redelivered, whose last holder may have died, once that holder cannot still be
   * sending); `stale` when the delivery is settled or has more attempts made (the copy is behind:
   * drop it); `busy` when another claim stands or the log is behind the job (try again later);
   * `missing` when there is no such delivery.
   */
  claim(id: string, attempts: number, until: Date, freeBefore: Date): Promise<ClaimResult>;
  /**
   * Writes the outcome of the attempt after `attempts` and releases its claim; false when the
   * delivery is gone (its webhook was deleted) or has moved past `attempts` (nothing written).
   */
  update(id: string, attempts: number, update: DeliveryUpdate): Promise<boolean>;
  /** A webhook's deliveries, newest first (then id, descending), at most `limit`. */
  listByWebhook(webhookId: string, limit: number): Promise<Delivery[]>;
}

/**
 * Who owns each calendar (collection `webhook_calendar_owners`), learned from the calendar
 * messages and from the calendar service: event messages name the calendar, not its owner. Kept
 * after a calendar is deleted, so its last changes still reach its owner's webhooks.
 */
export interface CalendarOwnerProjection {
  rememberOwner(calendarId: string, userId: string): Promise<void>;
  /** The owner, or null when the calendar is not known here. */
  knownOwner(calendarId: string): Promise<string | null>;
}

export type WebhookStanding = 'live' | 'deleted' | 'unknown';
export type ClaimResult = 'claimed' | 'stale' | 'busy' | 'missing';

export type WebhookStore = WebhookRepository & DeliveryLog & CalendarOwnerProjection;

/** How long the MongoDB log keeps a delivery (a TTL index on `created_at`). */
export const DELIVERY_LOG_DAYS = 30;
/** How many deliveries per webhook the memory store keeps, the newest (the embedded mode's bound). */
export const MEMORY_DELIVERIES_PER_WEBHOOK = 1_000;
