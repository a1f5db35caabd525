import type { OutboundClient } from '@slotkeeper/outbound-http';
import { SecretBox } from '@slotkeeper/secret-box';
import { ManualClock, systemClock } from '@slotkeeper/time';
import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it } from 'vitest';
import { httpSender, webhookClient } from '../src/adapters/http-delivery.js';
import { MemoryWebhookStore } from '../src/adapters/memory/memory-webhook-store.js';
import { generateWebhookSecret } from '../src/adapters/signer.js';
import {
  attemptOnce,
  recordDeliveries,
  SECRET_UNREADABLE,
  type DeliveryDeps,
} from '../src/domain/delivery-use-cases.js';
import type { AttemptOutcome } from '../src/domain/delivery.js';
import { newSubscription } from '../src/domain/webhook.js';
import type { WebhookEventType } from '@slotkeeper/contracts';
import {
  apiEvent,
  booked,
  CAL,
  canceled,
  id,
  OTHER_CAL,
  receiver,
  rescheduled,
  secretBox,
  T0,
  USER,
} from './fixtures.js';

const open: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((o) => o.close()));
});

/** A memory store, a secret box and, per webhook added, its plain secret (as the 201 showed it). */
function system(deps: Partial<DeliveryDeps> = {}) {
  const store = new MemoryWebhookStore();
  const secrets = secretBox();
  const plain = new Map<string, string>();
  let n = 0;
  const add = async (url: string, events: WebhookEventType[], calendarIds: string[] = []) => {
    const secret = generateWebhookSecret();
    const webhook = newSubscription(
      { id: id(++n), userId: USER, url, events, calendarIds, createdAt: T0 },
      secret,
      secrets,
    );
    await store.create(webhook, 20);
    plain.set(webhook.id, secret);
    return webhook;
  };
  const client: OutboundClient = webhookClient(true, { totalTimeoutMs: 2_000 });
  open.push(client);
  const full: DeliveryDeps = {
    store,
    secrets,
    sender: httpSender(client),
    clock: systemClock,
    retryDelaysMs: [10, 20, 30],
    ...deps,
  };
  return { store, secrets, plain, add, deps: full };
}

describe('recording deliveries', () => {
  it('when an event is booked, then each matching webhook gets one pending delivery with the same body', async () => {
    const { add, deps } = system({ clock: new ManualClock(T0) });
    const all = await add('https://a.example/h', ['event.booked']);
    const onCal = await add('https://b.example/h', ['event.booked'], [CAL]);
    await add('https://c.example/h', ['event.booked'], [OTHER_CAL]);
    await add('https://d.example/h', ['event.canceled']);

    const deliveries = await recordDeliveries(deps, booked(), USER);

    expect(deliveries.map((d) => d.webhookId)).toEqual([all.id, onCal.id]);
    expect(new Set(deliveries.map((d) => d.body))).toEqual(new Set([deliveries[0]!.body]));
    expect(deliveries[0]).toMatchObject({
      status: 'pending',
      attempts: 0,
      type: 'event.booked',
      eventId: apiEvent.id,
      nextAttemptAt: T0,
    });
  });

  it('when the broker delivers the same message again, then nothing new is recorded and the first deliveries are returned', async () => {
    const { add, deps, store } = system();
    const webhook = await add('https://a.example/h', ['event.canceled']);
    const message = canceled();
    const [first] = await recordDeliveries(deps, message, USER);
    await store.update(first!.id, {
      status: 'delivered',
      attempts: 1,
      lastStatusCode: 200,
      lastError: null,
      nextAttemptAt: null,
    });

    const again = await recordDeliveries(deps, message, USER);

    expect(again).toMatchObject([{ id: first!.id, status: 'delivered' }]);
    expect(await store.listByWebhook(webhook.id, 100)).toHaveLength(1);
  });

  it('when no webhook matches, then nothing is recorded', async () => {
    const { add, deps } = system();
    await add('https://a.example/h', ['event.booked']);
    expect(await recordDeliveries(deps, rescheduled(), USER)).toEqual([]);
  });
});

describe('attempting a delivery', () => {
  it('when the receiver fails twice then succeeds, then it gets three attempts with one webhook-id, each verified, logged', async () => {
    const server = await receiver((n) => (n < 3 ? 503 : 200));
    open.push(server);
    const { add, deps, store, plain } = system();
    const webhook = await add(server.url, ['event.booked']);
    const [delivery] = await recordDeliveries(deps, booked(), USER);

    const results = [];
    for (let n = 0; n < 3; n++) results.push(await attemptOnce(deps, delivery!.id));

    expect(results.map((r) => r.kind === 'attempted' && r.delivery.status)).toEqual([
      'pending',
      'pending',
      'delivered',
    ]);
    expect(server.received.map((r) => r.headers['webhook-id'])).toEqual([delivery!.id, delivery!.id, delivery!.id]);
    for (const request of server.received)
      expect(
        new Webhook(plain.get(webhook.id)!).verify(request.body, request.headers as Record<string, string>),
      ).toEqual({
        type: 'event.booked',
        timestamp: T0.toISOString(),
        data: apiEvent,
      });
    expect(await store.listByWebhook(webhook.id, 100)).toMatchObject([
      { id: delivery!.id, status: 'delivered', attempts: 3, lastStatusCode: 200, lastError: null, nextAttemptAt: null },
    ]);
    // Once delivered, a repeated retry sends nothing.
    expect(await attemptOnce(deps, delivery!.id)).toMatchObject({ kind: 'settled' });
    expect(server.received).toHaveLength(3);
  });

  it('when every attempt fails, then each waits the next delay and after the last the delivery has failed', async () => {
    const clock = new ManualClock(T0);
    const sent: string[] = [];
    const failing = async (a: { id: string }): Promise<AttemptOutcome> => {
      sent.push(a.id);
      return { ok: false, statusCode: 500, error: 'the endpoint answered 500' };
    };
    const { add, deps } = system({ clock, sender: { send: failing }, retryDelaysMs: [5_000, 300_000] });
    await add('https://a.example/h', ['event.booked']);
    const [delivery] = await recordDeliveries(deps, booked(), USER);

    const first = await attemptOnce(deps, delivery!.id);
    expect(first).toMatchObject({
      kind: 'attempted',
      delivery: { status: 'pending', nextAttemptAt: new Date(T0.getTime() + 5_000) },
    });
    await attemptOnce(deps, delivery!.id);
    const last = await attemptOnce(deps, delivery!.id);

    expect(last).toMatchObject({
      kind: 'attempted',
      delivery: { status: 'failed', attempts: 3, lastStatusCode: 500, nextAttemptAt: null },
    });
    expect(await attemptOnce(deps, delivery!.id)).toMatchObject({ kind: 'settled' });
    expect(sent).toHaveLength(3);
  });

  it('when the webhook was deleted, then nothing more is sent', async () => {
    const server = await receiver();
    open.push(server);
    const { add, deps, store } = system();
    const webhook = await add(server.url, ['event.booked']);
    const [delivery] = await recordDeliveries(deps, booked(), USER);

    await store.delete(USER, webhook.id);

    expect(await attemptOnce(deps, delivery!.id)).toEqual({ kind: 'gone' });
    expect(await recordDeliveries(deps, booked(), USER)).toEqual([]);
    expect(server.received).toHaveLength(0);
  });

  it('when the secret will not open (its key left SECRET_KEYS), then nothing is sent and the attempt fails with a safe reason', async () => {
    const server = await receiver();
    open.push(server);
    const { add, deps } = system();
    await add(server.url, ['event.booked']);
    const [delivery] = await recordDeliveries(deps, booked(), USER);
    const otherKeys = SecretBox.fromEnv(`k2:${Buffer.alloc(32, 7).toString('base64')}`);

    const result = await attemptOnce({ ...deps, secrets: otherKeys }, delivery!.id);

    expect(result).toMatchObject({
      kind: 'attempted',
      delivery: { status: 'pending', lastError: SECRET_UNREADABLE, lastStatusCode: null },
    });
    expect(server.received).toHaveLength(0);
  });
});
