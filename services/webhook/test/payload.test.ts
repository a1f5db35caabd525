import { createEnvelope, webhookPayload } from '@slotkeeper/contracts';
import { describe, expect, it } from 'vitest';
import { isWebhookMessage, payloadBody, webhookPayloadOf } from '../src/domain/payload.js';
import { apiEvent, booked, CAL, canceled, rescheduled, T0, USER } from './fixtures.js';

describe('the payload of a change', () => {
  it('when an event is booked, then the payload is event.booked at the message time with the event as the API shows it', () => {
    const message = booked();
    const payload = webhookPayloadOf(message);
    expect(payload).toEqual({ type: 'event.booked', timestamp: message.occurred_at, data: apiEvent });
    expect(webhookPayload.parse(payload)).toEqual(payload);
  });

  it('when a message carries its version, nonce and previous times, then none reaches the payload', () => {
    const body = payloadBody(webhookPayloadOf(rescheduled()));
    expect(Object.keys(JSON.parse(body) as object)).toEqual(['type', 'timestamp', 'data']);
    for (const field of ['version', 'cancel_token_nonce', 'previous_start_time', 'previous_end_time'])
      expect(body).not.toContain(field);
  });

  it('when an event is canceled or rescheduled, then the type says so and the data is its new state', () => {
    expect(webhookPayloadOf(canceled())).toMatchObject({ type: 'event.canceled', data: { status: 'canceled' } });
    expect(webhookPayloadOf(rescheduled())).toMatchObject({
      type: 'event.rescheduled',
      data: { start_time: '2030-06-03T04:30:00.000Z', status: 'confirmed' },
    });
  });

  it('when a message is of another type, then it is no webhook message', () => {
    expect(isWebhookMessage(booked())).toBe(true);
    expect(isWebhookMessage(createEnvelope('ApiKeyRotated', { user_id: USER }, T0))).toBe(false);
    expect(
      isWebhookMessage(createEnvelope('CalendarDeleted', { calendar_id: CAL, user_id: USER, version: 2 }, T0)),
    ).toBe(false);
  });
});
