/**
 * Outbound webhooks on the multi-process stack over the local RabbitMQ (in-memory stores): each
 * change is POSTed once and signed by the Standard Webhooks scheme, retries keep their
 * `webhook-id`, and a delivery in flight or waiting on the broker survives the webhook service
 * being killed (SIGKILL) and started again. Every request a receiver gets is verified with the
 * `standardwebhooks` package under the secret the 201 showed.
 */
import { randomUUID } from 'node:crypto';
import type { WebhookPayload } from '@slotkeeper/contracts';
import { brokerTarget } from '@slotkeeper/testing';
import {
  apiClient,
  apiSetup,
  bearer,
  booking,
  expectStatus,
  type Owner,
  type RequestBody,
} from '@slotkeeper/testing/api';
import { startWebhookReceiver, type ReceiverAnswer, type WebhookReceiver } from '@slotkeeper/testing/webhooks';
import amqplib, { type ChannelModel } from 'amqplib';
import { DateTime } from 'luxon';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '../stack/launch.js';
import { deleteStackTopology, eventually, startTestStack } from './support.js';

type NewWebhook = RequestBody<'/api/user/users/{user_id}/webhooks', 'post'>;

const broker = await brokerTarget();
if ('reason' in broker) console.warn(`[skip] webhooks on the stack: ${broker.reason}`);
afterAll(async () => {
  if ('stop' in broker) await broker.stop();
});

/**
 * The stack's waits between attempts. The first is long enough to kill the service while a
 * retry waits on the broker, the others short, so three attempts take about 2.3 s.
 */
const RETRY_DELAYS = '2s,300ms,300ms';
const RETRY_DELAYS_MS = [2_000, 300, 300];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A day two weeks ahead, in UTC: every calendar here is open around the clock. */
const DAY = DateTime.utc().plus({ days: 14 }).startOf('day');
const at = (hour: number, minute = 0) => DAY.set({ hour, minute }).toISO({ suppressMilliseconds: false })!;
/** A half-hour booking of `calendarId` at `hour`. */
const bookingAt = (calendarId: string, hour: number, title = 'Intro') =>
  booking(calendarId, at(hour), at(hour, 30), { title, booked_by: 'ann@example.com' });

describe.skipIf(!broker.url)('webhooks on the multi-process stack', () => {
  const prefix = `webhooks-${randomUUID().slice(0, 8)}`;
  const lines: string[] = [];
  const receivers: WebhookReceiver[] = [];
  let stack: Stack;
  let api: ReturnType<typeof apiSetup>;
  /** A connection of the test's own, to look into the stack's queues. */
  let inspector: ChannelModel;

  beforeAll(async () => {
    stack = await startTestStack(
      {
        AMQP_URL: broker.url!,
        AMQP_PREFIX: prefix,
        LOG_LEVEL: 'info',
        ALLOW_PRIVATE_URLS: 'true',
        WEBHOOK_RETRY_DELAYS: RETRY_DELAYS,
      },
      (service, line) => {
        if (service === 'webhook') lines.push(line);
      },
    );
    api = apiSetup(apiClient(stack.gatewayUrl));
    inspector = await amqplib.connect(broker.url!);
  }, 120_000);

  afterEach(async () => {
    await Promise.all(receivers.splice(0).map((receiver) => receiver.close()));
  });

  afterAll(async () => {
    await inspector?.close();
    await stack?.stop();
    if (broker.url) await deleteStackTopology(broker.url, prefix, RETRY_DELAYS_MS);
  }, 60_000);

  /** A receiver closed after the test. */
  async function receiver(answer?: ReceiverAnswer): Promise<WebhookReceiver> {
    const started = await startWebhookReceiver(answer);
    receivers.push(started);
    return started;
  }

  /** The path and key of an owner's webhook routes, of one webhook's if named. */
  const owned = (owner: Owner) => ({ params: { path: { user_id: owner.id } }, headers: bearer(owner.api_key) });
  const ownedHook = (owner: Owner, webhookId: string) => ({
    params: { path: { user_id: owner.id, webhook_id: webhookId } },
    headers: bearer(owner.api_key),
  });

  const createWebhook = (owner: Owner, body: NewWebhook) =>
    expectStatus(api.client.POST('/api/user/users/{user_id}/webhooks', { ...owned(owner), body }), 201);

  const listWebhooks = (owner: Owner) =>
    expectStatus(api.client.GET('/api/user/users/{user_id}/webhooks', owned(owner)), 200);

  const deleteWebhook = (owner: Owner, webhookId: string) =>
    expectStatus(
      api.client.DELETE('/api/user/users/{user_id}/webhooks/{webhook_id}', ownedHook(owner, webhookId)),
      204,
    );

  const deliveries = (owner: Owner, webhookId: string) =>
    expectStatus(
      api.client.GET('/api/user/users/{user_id}/webhooks/{webhook_id}/deliveries', ownedHook(owner, webhookId)),
      200,
    );

  /** How many jobs wait in one of the stack's work queues (`''`: the deliveries; `.delay.2000`: …). */
  async function waiting(suffix: string): Promise<number> {
    const channel = await inspector.createChannel();
    try {
      return (await channel.checkQueue(`${prefix}.webhook.deliver${suffix}`)).messageCount;
    } finally {
      await channel.close();
    }
  }

  /** The webhook service's log lines about one delivery's attempts, as parsed JSON. */
  const attemptsLogged = (deliveryId: string) =>
    lines
      .filter((line) => line.includes(deliveryId) && line.includes('webhook attempt'))
      .map((line) => JSON.parse(line) as { outcome: string; attempt: number; redelivered?: boolean });

  it('when an event is booked, rescheduled and canceled, then each change is delivered once, signed, with the event as the API shows it', async () => {
    const hooks = await receiver();
    const { owner, calendars } = await api.openCalendars(1, { name: 'Hooked' });
    const webhook = await createWebhook(owner, {
      url: hooks.url,
      events: ['event.booked', 'event.rescheduled', 'event.canceled'],
    });
    expect(webhook.secret).toMatch(/^whsec_/);

    const booked = await api.book(bookingAt(calendars[0]!.id, 9));
    const asBooked = await api.event(booked.id, owner.api_key);
    await eventually(async () => expect(hooks.received).toHaveLength(1));
    await api.reschedule(booked.id, { start_time: at(11), end_time: at(11, 30) }, owner.api_key);
    const asRescheduled = await api.event(booked.id, owner.api_key);
    await eventually(async () => expect(hooks.received).toHaveLength(2));
    await api.cancel(booked.id, owner.api_key);
    const asCanceled = await api.event(booked.id, owner.api_key);
    expect(asCanceled.status).toBe('canceled');
    await eventually(async () => expect(hooks.received).toHaveLength(3));

    const payloads = hooks.verified(webhook.secret) as WebhookPayload[];
    expect(payloads.map((p) => p.type)).toEqual(['event.booked', 'event.rescheduled', 'event.canceled']);
    expect(payloads.map((p) => p.data)).toEqual([asBooked, asRescheduled, asCanceled]);
    const ids = hooks.received.map((r) => r.id);
    expect(new Set(ids).size).toBe(3);

    const byType = (a: { type: string }, b: { type: string }) => a.type.localeCompare(b.type);
    await eventually(async () =>
      expect((await deliveries(owner, webhook.id)).sort(byType)).toEqual(
        hooks.received
          .map((request, i) => ({ id: request.id, type: payloads[i]!.type }))
          .sort(byType)
          .map(({ id, type }) =>
            expect.objectContaining({
              id,
              type,
              event_id: booked.id,
              status: 'delivered',
              attempts: 1,
              last_status_code: 204,
              next_attempt_at: null,
            }),
          ),
      ),
    );
    // Nothing comes twice once the dust settles.
    await sleep(500);
    expect(hooks.received).toHaveLength(3);
  }, 60_000);

  it('when a receiver fails twice and then answers 2xx, then the third attempt delivers it under the same webhook-id', async () => {
    const hooks = await receiver((n) => (n <= 2 ? 500 : 200));
    const { owner, calendars } = await api.openCalendars(1, { name: 'Flaky' });
    const webhook = await createWebhook(owner, { url: hooks.url, events: ['event.booked'] });

    const booked = await api.book(bookingAt(calendars[0]!.id, 9));
    await eventually(async () => expect(hooks.received).toHaveLength(3), 15_000);

    const payloads = hooks.verified(webhook.secret) as WebhookPayload[];
    expect(payloads.map((p) => [p.type, p.data.id])).toEqual(Array(3).fill(['event.booked', booked.id]));
    expect(new Set(hooks.received.map((r) => r.id)).size).toBe(1);
    // The retries waited on the broker: 2 s, then 300 ms.
    const [first, second, third] = hooks.received.map((r) => r.at) as [number, number, number];
    expect(second - first).toBeGreaterThanOrEqual(RETRY_DELAYS_MS[0]! - 50);
    expect(third - second).toBeGreaterThanOrEqual(RETRY_DELAYS_MS[1]! - 50);
    await eventually(async () =>
      expect(await deliveries(owner, webhook.id)).toEqual([
        expect.objectContaining({
          id: hooks.received[0]!.id,
          event_id: booked.id,
          status: 'delivered',
          attempts: 3,
          last_status_code: 200,
          next_attempt_at: null,
        }),
      ]),
    );
    await sleep(500);
    expect(hooks.received).toHaveLength(3);
  }, 60_000);

  it('when the webhook service is killed while a receiver holds its request, then the restarted service delivers it, at most once more, under the same webhook-id', async () => {
    const hooks = await receiver(() => 'hang');
    const { owner, calendars } = await api.openCalendars(1, { name: 'Killed' });
    const webhook = await createWebhook(owner, { url: hooks.url, events: ['event.booked'] });

    const booked = await api.book(bookingAt(calendars[0]!.id, 9));
    await eventually(async () => expect(hooks.received).toHaveLength(1));
    await stack.kill('webhook');
    hooks.answer(() => 204);
    await stack.restart('webhook');

    await eventually(async () => expect(hooks.received).toHaveLength(2), 15_000);
    const payloads = hooks.verified(webhook.secret) as WebhookPayload[];
    expect(payloads.map((p) => p.data.id)).toEqual([booked.id, booked.id]);
    expect(hooks.received[1]!.id).toBe(hooks.received[0]!.id);
    // The broker gave the restarted service the job the killed one held, unacknowledged.
    await eventually(async () =>
      expect(attemptsLogged(hooks.received[0]!.id)).toContainEqual(
        expect.objectContaining({ attempt: 1, redelivered: true, outcome: 'delivered' }),
      ),
    );
    await sleep(1_000);
    expect(hooks.received).toHaveLength(2);
  }, 90_000);

  it('when the webhook service is killed while a retry waits on the broker, then the restarted service sends the retry', async () => {
    const hooks = await receiver((n) => (n === 1 ? 503 : 204));
    const { owner, calendars } = await api.openCalendars(1, { name: 'Waiting' });
    const webhook = await createWebhook(owner, { url: hooks.url, events: ['event.booked'] });

    const booked = await api.book(bookingAt(calendars[0]!.id, 9));
    await eventually(async () => expect(hooks.received).toHaveLength(1));
    // The attempt is over: its retry's job waits in the 2 s delay queue, and the log says so.
    await eventually(async () => expect(await waiting(`.delay.${RETRY_DELAYS_MS[0]}`)).toBe(1), 1_500);
    await eventually(async () =>
      expect(await deliveries(owner, webhook.id)).toEqual([
        expect.objectContaining({ status: 'pending', attempts: 1, last_status_code: 503 }),
      ]),
    );
    await stack.kill('webhook');
    const killedAt = performance.timeOrigin + performance.now();
    expect(killedAt - hooks.received[0]!.at).toBeLessThan(RETRY_DELAYS_MS[0]!);
    await stack.restart('webhook');

    await eventually(async () => expect(hooks.received).toHaveLength(2), 15_000);
    const payloads = hooks.verified(webhook.secret) as WebhookPayload[];
    expect(payloads.map((p) => p.data.id)).toEqual([booked.id, booked.id]);
    expect(hooks.received[1]!.id).toBe(hooks.received[0]!.id);
    expect(hooks.received[1]!.at - hooks.received[0]!.at).toBeGreaterThanOrEqual(RETRY_DELAYS_MS[0]! - 50);
    await eventually(async () =>
      expect(attemptsLogged(hooks.received[0]!.id)).toContainEqual(
        expect.objectContaining({ attempt: 2, outcome: 'delivered' }),
      ),
    );
    await sleep(1_000);
    expect(hooks.received).toHaveLength(2);
  }, 90_000);

  it("when a webhook names a calendar, then only that calendar's changes reach it; and once deleted, its waiting retry is dropped and nothing more arrives", async () => {
    const filtered = await receiver(() => 503);
    const everything = await receiver();
    const { owner, calendars } = await api.openCalendars(2, { name: 'Two calendars' });
    const [named, other] = calendars.map((calendar) => calendar.id) as [string, string];
    const onlyNamed = await createWebhook(owner, {
      url: filtered.url,
      events: ['event.booked'],
      calendar_ids: [named],
    });
    const all = await createWebhook(owner, { url: everything.url, events: ['event.booked'] });
    expect(onlyNamed.calendar_ids).toEqual([named]);

    const elsewhere = await api.book(bookingAt(other, 9, 'Elsewhere'));
    const here = await api.book(bookingAt(named, 9, 'Here'));
    // The unfiltered webhook got both: the other calendar's booking went through the fan-out.
    await eventually(async () => expect(everything.received).toHaveLength(2));
    expect((everything.verified(all.secret) as WebhookPayload[]).map((p) => p.data.id).sort()).toEqual(
      [elsewhere.id, here.id].sort(),
    );
    await eventually(async () => expect(filtered.received).toHaveLength(1));
    expect((filtered.verified(onlyNamed.secret) as WebhookPayload[]).map((p) => p.data.id)).toEqual([here.id]);

    // Its retry waits on the broker; the webhook is deleted meanwhile.
    await eventually(async () =>
      expect(await deliveries(owner, onlyNamed.id)).toEqual([
        expect.objectContaining({ status: 'pending', attempts: 1, last_status_code: 503 }),
      ]),
    );
    await deleteWebhook(owner, onlyNamed.id);
    expect(filtered.received.length).toBe(1);
    expect((await listWebhooks(owner)).map((w) => w.id)).toEqual([all.id]);

    // The retry came off the delay queue and was dropped, unsent; none follows it.
    const deliveryId = filtered.received[0]!.id;
    await eventually(
      async () => expect(attemptsLogged(deliveryId)).toContainEqual(expect.objectContaining({ outcome: 'deleted' })),
      RETRY_DELAYS_MS[0]! + 5_000,
    );
    await sleep(RETRY_DELAYS_MS.slice(1).reduce((a, b) => a + b, 0) + 1_000);
    expect(filtered.received).toHaveLength(1);
    expect(await waiting('')).toBe(0);
    for (const ms of new Set(RETRY_DELAYS_MS)) expect(await waiting(`.delay.${ms}`)).toBe(0);
    // A booking on the named calendar now reaches only the remaining webhook.
    const later = await api.book(bookingAt(named, 11, 'Later'));
    await eventually(async () => expect(everything.received).toHaveLength(3));
    expect((everything.verified(all.secret) as WebhookPayload[]).at(-1)!.data.id).toBe(later.id);
    await sleep(500);
    expect(filtered.received).toHaveLength(1);
  }, 60_000);
});
