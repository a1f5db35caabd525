import { z } from 'zod';
import { inputWithDefault, instantOutput, objectId } from './common.js';
import { eventResponse } from './events.js';
import { outboundUrl } from './outbound-url.js';

/** How many webhooks one user may have. */
export const MAX_WEBHOOKS_PER_USER = 20;
/** How many calendars one webhook may be limited to. */
export const MAX_WEBHOOK_CALENDARS = 50;
/** How many deliveries `…/deliveries` shows: the newest. */
export const MAX_WEBHOOK_DELIVERIES_LISTED = 100;

export const WEBHOOK_EVENT_TYPES = ['event.booked', 'event.canceled', 'event.rescheduled'] as const;
export const webhookEventType = z.enum(WEBHOOK_EVENT_TYPES);
export type WebhookEventType = z.infer<typeof webhookEventType>;

export const webhookDeliveryStatus = z.enum(['pending', 'delivered', 'failed']);
export type WebhookDeliveryStatus = z.infer<typeof webhookDeliveryStatus>;

const unique = (values: readonly unknown[]) => new Set(values).size === values.length;

/** The endpoint: the same shape rules as a busy source's URL, without `webcal:`. */
const webhookUrl = outboundUrl({
  schemes: ['https:', 'http:'],
  schemeMessage: 'must be an https: or http: URL',
  credentialsMessage: 'must not carry credentials: verify our signature instead',
  example: 'https://crm.example.com/hooks/slotkeeper',
});

export const createWebhookBody = z.strictObject({
  url: webhookUrl,
  events: z
    .array(webhookEventType)
    .min(1, 'name at least one event type')
    .max(WEBHOOK_EVENT_TYPES.length)
    .refine(unique, 'must not repeat an event type'),
  calendar_ids: inputWithDefault(
    z
      .array(objectId)
      .max(MAX_WEBHOOK_CALENDARS, `at most ${MAX_WEBHOOK_CALENDARS} calendars`)
      .refine(unique, 'must not repeat a calendar')
      .meta({ description: "Only these calendars' events; empty or left out: every calendar of the user" }),
    [],
  ),
});
export type CreateWebhookBody = z.infer<typeof createWebhookBody>;

export const webhookResponse = z
  .object({
    id: objectId,
    url: z.string(),
    events: z.array(webhookEventType),
    calendar_ids: z.array(objectId).describe('Empty: every calendar of the user'),
    created_at: instantOutput,
  })
  .meta({ id: 'Webhook', description: "An endpoint told of changes to the user's bookings" });
export type WebhookResponse = z.infer<typeof webhookResponse>;

/** The 201 of a creation: the webhook and, this one time, its signing secret. */
export const createdWebhookResponse = webhookResponse
  .extend({
    secret: z
      .string()
      .regex(/^whsec_[A-Za-z0-9+/]+={0,2}$/)
      .describe('The Standard Webhooks signing secret (`whsec_…`); shown this one time'),
  })
  .meta({ id: 'CreatedWebhook' });
export type CreatedWebhookResponse = z.infer<typeof createdWebhookResponse>;

export const webhookDeliveryResponse = z
  .object({
    id: z.string().describe('The `webhook-id` header: the same on every attempt of this delivery'),
    type: webhookEventType,
    event_id: objectId,
    status: webhookDeliveryStatus,
    attempts: z.number().int().min(0),
    last_status_code: z.number().int().nullable().describe("The endpoint's last HTTP status; null when none came"),
    next_attempt_at: instantOutput.nullable().describe('When it is tried again; null once delivered or failed'),
    created_at: instantOutput,
  })
  .meta({ id: 'WebhookDelivery' });
export type WebhookDeliveryResponse = z.infer<typeof webhookDeliveryResponse>;

export const webhookUserParams = z.object({ user_id: objectId });
export const webhookParams = z.object({ user_id: objectId, webhook_id: objectId });

/**
 * What each delivery POSTs: the change's type, when it happened (the message's `occurred_at`)
 * and the event as the API shows it.
 */
export const webhookPayload = z
  .object({
    type: webhookEventType,
    timestamp: z.iso.datetime(),
    data: eventResponse,
  })
  .meta({ id: 'WebhookPayload' });
export type WebhookPayload = z.infer<typeof webhookPayload>;
