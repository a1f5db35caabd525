import {
  eventResponse,
  type Envelope,
  type MessageData,
  type WebhookEventType,
  type WebhookPayload,
} from '@slotkeeper/contracts';

/** The bus messages a webhook is told of, and the type each has in its payload. */
export const WEBHOOK_TYPE_OF = {
  EventBooked: 'event.booked',
  EventCanceled: 'event.canceled',
  EventRescheduled: 'event.rescheduled',
} as const satisfies Record<string, WebhookEventType>;

export type WebhookMessageType = keyof typeof WEBHOOK_TYPE_OF;
export type WebhookMessage = Envelope<MessageData<WebhookMessageType>> & { type: WebhookMessageType };

export const isWebhookMessage = (envelope: Envelope): envelope is WebhookMessage =>
  Object.hasOwn(WEBHOOK_TYPE_OF, envelope.type);

/**
 * What a delivery POSTs for a message: its webhook type, its `occurred_at` as `timestamp`, and
 * the event exactly as the API shows it (`GET /api/event/events/{id}`). The message-only fields
 * (`version`, `cancel_token_nonce`) and a reschedule's `previous_start_time`/`previous_end_time`
 * are left out: the contract's `data` is the event, and parsing with the API's schema keeps it so
 * when messages gain fields.
 */
export function webhookPayloadOf(message: WebhookMessage): WebhookPayload {
  return {
    type: WEBHOOK_TYPE_OF[message.type],
    timestamp: message.occurred_at,
    data: eventResponse.parse(message.data),
  };
}

/** The body as sent and signed: the signature covers these exact bytes, so it is built once. */
export const payloadBody = (payload: WebhookPayload): string => JSON.stringify(payload);
