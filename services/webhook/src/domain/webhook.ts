import type { WebhookEventType } from '@slotkeeper/contracts';

/**
 * An owner's subscription to changes of their bookings. The URL is kept as given (it is not a
 * credential: the receiver checks our signature); the signing secret is sealed, since it must be
 * opened again to sign every delivery, and so cannot be hashed.
 */
export interface WebhookSubscription {
  id: string;
  userId: string;
  url: string;
  events: WebhookEventType[];
  /** Only these calendars' events; empty: every calendar of the user. */
  calendarIds: string[];
  /** The `whsec_…` secret sealed (AES-256-GCM, context `webhook:<id>`); never returned after the 201, never logged. */
  sealedSecret: string;
  createdAt: Date;
}

/** The context a webhook's secret is sealed in: a sealed secret copied to another webhook will not open. */
export const secretContext = (webhookId: string): string => `webhook:${webhookId}`;

/** Seals and opens secrets (`@slotkeeper/secret-box`'s `SecretBox`). */
export interface SecretSealer {
  seal(plain: string, context: string): string;
  /** Throws when the secret will not open (its key is gone from SECRET_KEYS, or it was altered). */
  open(sealed: string, context: string): string;
}

/** Whether a change of this type on this calendar is for the subscription. */
export const matches = (
  subscription: Pick<WebhookSubscription, 'events' | 'calendarIds'>,
  eventType: WebhookEventType,
  calendarId: string,
): boolean =>
  subscription.events.includes(eventType) &&
  (subscription.calendarIds.length === 0 || subscription.calendarIds.includes(calendarId));

/** A new subscription, its secret sealed for it. */
export function newSubscription(
  fields: Omit<WebhookSubscription, 'sealedSecret'>,
  secret: string,
  secrets: SecretSealer,
): WebhookSubscription {
  return { ...fields, sealedSecret: secrets.seal(secret, secretContext(fields.id)) };
}

/** The subscription's secret, opened to sign one delivery: never stored or logged. */
export const openSecret = (subscription: Pick<WebhookSubscription, 'id' | 'sealedSecret'>, secrets: SecretSealer) =>
  secrets.open(subscription.sealedSecret, secretContext(subscription.id));
