import {
  generateId,
  MAX_WEBHOOK_DELIVERIES_LISTED,
  MAX_WEBHOOKS_PER_USER,
  type WebhookEventType,
} from '@slotkeeper/contracts';
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  requireUser,
  isOwner,
  ValidationError,
  type Principal,
} from '@slotkeeper/errors';
import type { Clock } from '@slotkeeper/time';
import type { Delivery } from './delivery.js';
import type { CalendarOwnerProjection, WebhookStore } from './ports.js';
import { newSubscription, type SecretSealer, type WebhookSubscription } from './webhook.js';

/** Who owns a calendar, by the calendar service: null when there is no such calendar. */
export interface CalendarOwners {
  ownerOf(calendarId: string, options?: { requestId?: string | undefined }): Promise<string | null>;
}

/** The operator's rule for owners' URLs (ALLOW_PRIVATE_URLS), checked after DNS: `outboundUrlPolicy` of outbound-http. */
export interface UrlPolicy {
  check(url: string): Promise<{ ok: true } | { ok: false; reason: string }>;
}

export interface WebhookDeps {
  store: WebhookStore;
  secrets: SecretSealer;
  owners: CalendarOwners;
  urls: UrlPolicy;
  clock: Clock;
  /** A new `whsec_…` signing secret. */
  newSecret: () => string;
  /** The waits between attempts: a deleted webhook's tombstone outlives its last retry. */
  retryDelaysMs: readonly number[];
}

export interface WebhookInput {
  url: string;
  events: WebhookEventType[];
  calendarIds: string[];
}

/** The user's own webhooks: 401 without credentials, 403 for another user's (whether or not they exist). */
function assertSelf(actor: Principal, userId: string): void {
  requireUser(actor);
  if (!isOwner(actor, userId)) throw new ForbiddenError("these are another user's webhooks");
}

/**
 * Adds a webhook for the user and returns it with its secret, shown this one time. The URL must
 * pass the operator's rule after DNS (400 naming `url`); each named calendar must be the user's
 * (404 for no such calendar, 403 for another user's), so a webhook never names a calendar it
 * could not hear of. 409 past `MAX_WEBHOOKS_PER_USER`.
 */
export async function createWebhook(
  actor: Principal,
  userId: string,
  input: WebhookInput,
  deps: WebhookDeps,
  options: { requestId?: string } = {},
): Promise<{ webhook: WebhookSubscription; secret: string }> {
  assertSelf(actor, userId);
  const checked = await deps.urls.check(input.url);
  if (!checked.ok) throw new ValidationError(`url: ${checked.reason}`, [{ path: 'url', message: checked.reason }]);
  const owners = await Promise.all(input.calendarIds.map((id) => deps.owners.ownerOf(id, options)));
  input.calendarIds.forEach((calendarId, i) => {
    if (owners[i] === null) throw new NotFoundError('calendar', calendarId);
    if (owners[i] !== userId) throw new ForbiddenError(`calendar ${calendarId} belongs to another user`);
  });
  const secret = deps.newSecret();
  const webhook = newSubscription(
    {
      id: generateId(),
      userId,
      url: input.url,
      events: input.events,
      calendarIds: input.calendarIds,
      createdAt: deps.clock.now(),
    },
    secret,
    deps.secrets,
  );
  if (!(await deps.store.create(webhook, MAX_WEBHOOKS_PER_USER))) {
    throw new ConflictError(`user ${userId} has ${MAX_WEBHOOKS_PER_USER} webhooks already`);
  }
  return { webhook, secret };
}

export async function listWebhooks(
  actor: Principal,
  userId: string,
  deps: Pick<WebhookDeps, 'store'>,
): Promise<WebhookSubscription[]> {
  assertSelf(actor, userId);
  return deps.store.listByUser(userId);
}

/**
 * Removes a webhook and its log. Its deliveries waiting for a retry on the broker are dropped when
 * their time comes: the tombstone left here outlives the longest retry span by an hour.
 */
export async function deleteWebhook(
  actor: Principal,
  userId: string,
  webhookId: string,
  deps: Pick<WebhookDeps, 'store' | 'clock' | 'retryDelaysMs'>,
): Promise<void> {
  assertSelf(actor, userId);
  const span = deps.retryDelaysMs.reduce((sum, ms) => sum + ms, 0);
  const until = new Date(deps.clock.now().getTime() + span + 60 * 60_000);
  if (!(await deps.store.delete(userId, webhookId, until))) throw new NotFoundError('webhook', webhookId);
}

/** A webhook's deliveries, newest first, at most `MAX_WEBHOOK_DELIVERIES_LISTED`. */
export async function listDeliveries(
  actor: Principal,
  userId: string,
  webhookId: string,
  deps: Pick<WebhookDeps, 'store'>,
): Promise<Delivery[]> {
  assertSelf(actor, userId);
  const webhook = await deps.store.find(webhookId);
  // Another user's webhook under this user's path is not theirs to find: the same 404.
  if (webhook?.userId !== userId) throw new NotFoundError('webhook', webhookId);
  return deps.store.listByWebhook(webhookId, MAX_WEBHOOK_DELIVERIES_LISTED);
}

/**
 * The owner a change of this calendar is for: the projection the calendar messages keep, else the
 * calendar service (remembered for next time), else null (no such calendar anywhere). Throws when
 * the calendar service cannot answer for a calendar not known here: the message is tried again.
 */
export async function ownerOfCalendar(
  deps: { store: CalendarOwnerProjection; owners: CalendarOwners },
  calendarId: string,
  options: { requestId?: string | undefined } = {},
): Promise<string | null> {
  const known = await deps.store.knownOwner(calendarId);
  if (known !== null) return known;
  const asked = await deps.owners.ownerOf(calendarId, options);
  if (asked !== null) await deps.store.rememberOwner(calendarId, asked);
  return asked;
}
