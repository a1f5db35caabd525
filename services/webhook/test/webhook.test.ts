import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { generateWebhookSecret, signAttempt, WEBHOOK_SECRET_BYTES } from '../src/adapters/signer.js';
import { matches, newSubscription, openSecret, secretContext } from '../src/domain/webhook.js';
import { CAL, id, OTHER_CAL, secretBox, T0, USER } from './fixtures.js';

describe('matching a change to a webhook', () => {
  const all = { events: ['event.booked' as const, 'event.canceled' as const], calendarIds: [] };

  it('when the webhook names the type and no calendars, then a change on any calendar matches', () => {
    expect(matches(all, 'event.booked', CAL)).toBe(true);
    expect(matches(all, 'event.canceled', OTHER_CAL)).toBe(true);
  });

  it('when the webhook does not name the type, then nothing of that type matches', () => {
    expect(matches(all, 'event.rescheduled', CAL)).toBe(false);
  });

  it('when the webhook names calendars, then only their changes match', () => {
    const one = { ...all, calendarIds: [CAL] };
    expect(matches(one, 'event.booked', CAL)).toBe(true);
    expect(matches(one, 'event.booked', OTHER_CAL)).toBe(false);
    expect(matches(one, 'event.rescheduled', CAL)).toBe(false);
  });
});

describe('signing secrets', () => {
  it('when a secret is made, then it is whsec_ and 32 random bytes that standardwebhooks accepts', () => {
    const secrets = new Set(Array.from({ length: 50 }, generateWebhookSecret));
    expect(secrets.size).toBe(50);
    for (const secret of secrets) {
      expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
      expect(Buffer.from(secret.slice('whsec_'.length), 'base64')).toHaveLength(WEBHOOK_SECRET_BYTES);
      expect(() => new Webhook(secret)).not.toThrow();
    }
  });

  it('when a webhook is stored, then its secret is sealed for it alone and opens back', () => {
    const box = secretBox();
    const secret = generateWebhookSecret();
    const fields = { id: id(1), userId: USER, url: 'https://x.example/h', events: [], calendarIds: [], createdAt: T0 };
    const webhook = newSubscription({ ...fields, events: ['event.booked'] }, secret, box);

    expect(webhook.sealedSecret).not.toContain(secret.slice('whsec_'.length, 20));
    expect(JSON.stringify(webhook)).not.toContain(secret);
    expect(webhook.sealedSecret).toMatch(/^v1\.k1\./);
    expect(openSecret(webhook, box)).toBe(secret);
    // Copied onto another webhook, it will not open.
    expect(() => openSecret({ ...webhook, id: id(2) }, box)).toThrow(/cannot be read/);
    expect(secretContext(id(1))).toBe(`webhook:${id(1)}`);
  });

  it('when an attempt is signed, then standardwebhooks verifies it, and not under another secret', () => {
    const secret = generateWebhookSecret();
    const now = new Date();
    const headers = signAttempt(secret, 'msg_1', now, '{"a":1}');
    expect(headers['webhook-timestamp']).toBe(String(Math.floor(now.getTime() / 1_000)));
    expect(new Webhook(secret).verify('{"a":1}', { ...headers })).toEqual({ a: 1 });
    expect(() => new Webhook(generateWebhookSecret()).verify('{"a":1}', { ...headers })).toThrow(/signature/);
    expect(() => new Webhook(secret).verify('{"a":2}', { ...headers })).toThrow(/signature/);
  });
});
