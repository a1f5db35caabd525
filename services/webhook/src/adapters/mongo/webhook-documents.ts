import type { Delivery, DeliveryUpdate } from '../../domain/delivery.js';
import type { WebhookSubscription } from '../../domain/webhook.js';

/** A webhook as `webhooks` holds it: snake_case, its secret sealed. */
export interface WebhookDoc {
  _id: string;
  user_id: string;
  url: string;
  events: WebhookSubscription['events'];
  calendar_ids: string[];
  sealed_secret: string;
  created_at: Date;
}

/**
 * A delivery as `webhook_deliveries` holds it, with `claimed_until`, the adapter's own: until when
 * a worker holds its next attempt (null: none does). It never reaches the domain's `Delivery`.
 */
export interface DeliveryDoc {
  _id: string;
  webhook_id: string;
  user_id: string;
  type: Delivery['type'];
  event_id: string;
  message_id: string;
  body: string;
  status: Delivery['status'];
  attempts: number;
  last_status_code: number | null;
  last_error: string | null;
  next_attempt_at: Date | null;
  created_at: Date;
  claimed_until: Date | null;
}

/** A calendar's owner as `webhook_calendar_owners` holds it: the calendar's id, its owner's. */
export interface CalendarOwnerDoc {
  _id: string;
  user_id: string;
}

export const toWebhookDoc = (w: WebhookSubscription): WebhookDoc => ({
  _id: w.id,
  user_id: w.userId,
  url: w.url,
  events: [...w.events],
  calendar_ids: [...w.calendarIds],
  sealed_secret: w.sealedSecret,
  created_at: w.createdAt,
});

export const toWebhook = (doc: WebhookDoc): WebhookSubscription => ({
  id: doc._id,
  userId: doc.user_id,
  url: doc.url,
  events: [...doc.events],
  calendarIds: [...(doc.calendar_ids ?? [])],
  sealedSecret: doc.sealed_secret,
  createdAt: doc.created_at,
});

export const toUpdateFields = (
  u: DeliveryUpdate,
): Pick<DeliveryDoc, 'status' | 'attempts' | 'last_status_code' | 'last_error' | 'next_attempt_at'> => ({
  status: u.status,
  attempts: u.attempts,
  last_status_code: u.lastStatusCode,
  last_error: u.lastError,
  next_attempt_at: u.nextAttemptAt,
});

export const toDeliveryDoc = (d: Delivery): DeliveryDoc => ({
  _id: d.id,
  webhook_id: d.webhookId,
  user_id: d.userId,
  type: d.type,
  event_id: d.eventId,
  message_id: d.messageId,
  body: d.body,
  ...toUpdateFields(d),
  created_at: d.createdAt,
  claimed_until: null,
});

const present = <T>(value: T | null | undefined) => value ?? null;

export const toDelivery = (doc: DeliveryDoc): Delivery => ({
  id: doc._id,
  webhookId: doc.webhook_id,
  userId: doc.user_id,
  type: doc.type,
  eventId: doc.event_id,
  messageId: doc.message_id,
  body: doc.body,
  status: doc.status,
  attempts: doc.attempts,
  lastStatusCode: present(doc.last_status_code),
  lastError: present(doc.last_error),
  nextAttemptAt: present(doc.next_attempt_at),
  createdAt: doc.created_at,
});
