/**
 * Outbound webhooks in the embedded system, end to end through the gateway: subscriptions per
 * owner (and calendar), each change delivered signed (verified here with the `standardwebhooks`
 * package, as a receiver would), retried with one `webhook-id`, logged, and nothing more once a
 * webhook is deleted. The webhook service runs on the real clock: receivers refuse a signature
 * timestamped more than 5 minutes from theirs.
 */
import { MAX_WEBHOOKS_PER_USER } from '@slotkeeper/contracts';
import { startWebhookReceiver, type WebhookReceiver } from '@slotkeeper/testing/webhooks';
import { systemClock } from '@slotkeeper/time';
import { afterEach, describe, expect, it } from 'vitest';
import { errorPaths, eventually, NINE, NINE_THIRTY, useHarness, type Json } from './harness.js';

const RETRY_MS = 50;
const h = useHarness(undefined, { webhooks: { clock: systemClock, retryDelaysMs: [RETRY_MS, RETRY_MS, RETRY_MS] } });

const receivers: WebhookReceiver[] = [];
afterEach(async () => {
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});
const receiver = async (...args: Parameters<typeof startWebhookReceiver>) => {
  const started = await startWebhookReceiver(...args);
  receivers.push(started);
  return started;
};

const webhooksOf = (userId: string) => `/api/user/users/${userId}/webhooks`;

async function subscribe(userId: string, body: Record<string, unknown>): Promise<Json & { secret: string }> {
  const created = await h.send('POST', webhooksOf(userId), body);
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body as Json & { secret: string };
}

const deliveries = async (userId: string, webhookId: string) => {
  const log = await h.send('GET', `${webhooksOf(userId)}/${webhookId}/deliveries`);
  expect(log.status).toBe(200);
  return log.body as Array<Record<string, unknown>>;
};

describe('webhook subscriptions', () => {
  it('when an owner subscribes, then the secret is shown once and the list shows the webhook without it', async () => {
    const { owner, cal } = await h.bookable();
    const created = await subscribe(owner.id, {
      url: 'https://crm.example.com/hooks',
      events: ['event.booked', 'event.canceled'],
      calendar_ids: [cal.id],
    });

    expect(created).toMatchObject({
      url: 'https://crm.example.com/hooks',
      events: ['event.booked', 'event.canceled'],
      calendar_ids: [cal.id],
    });
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const list = await h.send('GET', webhooksOf(owner.id));
    expect(list.body).toEqual([
      {
        id: created.id,
        url: created.url,
        events: created.events,
        calendar_ids: [cal.id],
        created_at: created.created_at,
      },
    ]);
    expect(JSON.stringify(list.body)).not.toContain(created.secret);
  });

  it('when the input is wrong, then a 4xx names the problem and nothing is stored', async () => {
    const { owner, cal } = await h.bookable();
    const other = await h.bookable();
    const post = (body: unknown) => h.send('POST', webhooksOf(owner.id), body);

    const noEvents = await post({ url: 'https://a.example/h', events: [] });
    expect(noEvents.status).toBe(400);
    expect(errorPaths(noEvents.body)).toEqual(['events']);
    const unknownType = await post({ url: 'https://a.example/h', events: ['event.created'] });
    expect(errorPaths(unknownType.body)).toEqual(['events.0']);
    const credentials = await post({ url: 'https://u:p@a.example/h', events: ['event.booked'] });
    expect(errorPaths(credentials.body)).toEqual(['url']);
    const ftp = await post({ url: 'ftp://a.example/h', events: ['event.booked'] });
    expect(errorPaths(ftp.body)).toEqual(['url']);

    const unknownCalendar = await post({
      url: 'https://a.example/h',
      events: ['event.booked'],
      calendar_ids: [cal.id, 'ffffffffffffffffffffffff'],
    });
    expect(unknownCalendar.status).toBe(404);
    const othersCalendar = await post({
      url: 'https://a.example/h',
      events: ['event.booked'],
      calendar_ids: [other.cal.id],
    });
    expect(othersCalendar.status).toBe(403);
    expect((await h.send('GET', webhooksOf(owner.id))).body).toEqual([]);
  });

  it("when another user's webhook is named under one's own path, then it is not found (the auth matrix covers 401 and 403)", async () => {
    const { owner } = await h.bookable();
    const other = await h.bookable();
    const theirs = await subscribe(other.owner.id, { url: 'https://a.example/h', events: ['event.booked'] });

    expect((await h.send('GET', `${webhooksOf(owner.id)}/${theirs.id}/deliveries`)).status).toBe(404);
    expect((await h.send('DELETE', `${webhooksOf(owner.id)}/${theirs.id}`)).status).toBe(404);
    expect((await h.send('GET', webhooksOf(other.owner.id))).body).toHaveLength(1);
  });

  it(`when a user has ${MAX_WEBHOOKS_PER_USER} webhooks, then another is refused with 409`, async () => {
    const { owner } = await h.bookable();
    for (let i = 0; i < MAX_WEBHOOKS_PER_USER; i++)
      await subscribe(owner.id, { url: `https://a.example/h${i}`, events: ['event.booked'] });
    const more = await h.send('POST', webhooksOf(owner.id), { url: 'https://a.example/x', events: ['event.booked'] });
    expect(more.status).toBe(409);
  });
});

describe('deliveries', () => {
  it('when an event is booked, moved and canceled, then each change is delivered once, signed, in the API shape', async () => {
    const hook = await receiver();
    const { owner, cal } = await h.bookable();
    const webhook = await subscribe(owner.id, {
      url: hook.url,
      events: ['event.booked', 'event.rescheduled', 'event.canceled'],
    });

    const booked = await h.book(cal.id, NINE, NINE_THIRTY);
    expect(booked.status).toBe(201);
    const eventId = String(booked.body.id);
    const moved = await h.send('POST', `/api/event/events/${eventId}/reschedule`, {
      start_time: '2030-06-24T10:00:00+02:00',
      end_time: '2030-06-24T10:30:00+02:00',
    });
    expect(moved.status).toBe(200);
    expect((await h.send('DELETE', `/api/event/events/${eventId}`)).status).toBe(204);

    await eventually(() => expect(hook.received).toHaveLength(3));
    const payloads = hook.verified(webhook.secret) as Array<{ type: string; timestamp: string; data: Json }>;
    expect(payloads.map((p) => p.type).sort()).toEqual(['event.booked', 'event.canceled', 'event.rescheduled']);
    const byType = Object.fromEntries(payloads.map((p) => [p.type, p]));
    const shown = (await h.send('GET', `/api/event/events/${eventId}`)).body as Json;
    expect(byType['event.canceled']!.data).toEqual(shown);
    expect(byType['event.booked']!.data).toMatchObject({ id: eventId, status: 'confirmed' });
    expect(byType['event.rescheduled']!.data.start_time).toBe('2030-06-24T08:00:00.000Z');
    expect(new Set(hook.received.map((r) => r.id)).size).toBe(3);
    for (const r of hook.received) expect(r.headers['content-type']).toBe('application/json');

    await eventually(async () =>
      expect(await deliveries(owner.id, webhook.id)).toEqual(
        expect.arrayContaining(
          ['event.booked', 'event.rescheduled', 'event.canceled'].map((type) =>
            expect.objectContaining({
              type,
              event_id: eventId,
              status: 'delivered',
              attempts: 1,
              last_status_code: 204,
              next_attempt_at: null,
            }),
          ),
        ),
      ),
    );
    // Nothing more comes.
    await new Promise((resolve) => setTimeout(resolve, 4 * RETRY_MS));
    expect(hook.received).toHaveLength(3);
  });

  it('when the receiver never answers, then bookings are answered all the same: a 201 never waits on a delivery', async () => {
    const hook = await receiver(() => 'hang');
    const { owner, cal } = await h.bookable();
    await subscribe(owner.id, { url: hook.url, events: ['event.booked'] });

    // Each attempt may wait 10 s for its answer, longer than this test may run.
    expect((await h.book(cal.id, NINE, NINE_THIRTY)).status).toBe(201);
    await eventually(() => expect(hook.received).toHaveLength(1));
    expect((await h.book(cal.id, '2030-06-24T10:00:00+02:00', '2030-06-24T10:30:00+02:00')).status).toBe(201);
    await eventually(() => expect(hook.received).toHaveLength(2));
  });

  it('when the receiver fails twice, then the third attempt delivers it under the same webhook-id, and the log shows three attempts', async () => {
    const hook = await receiver((n) => (n <= 2 ? 503 : 200));
    const { owner, cal } = await h.bookable();
    const webhook = await subscribe(owner.id, { url: hook.url, events: ['event.booked'] });

    expect((await h.book(cal.id, NINE, NINE_THIRTY)).status).toBe(201);

    await eventually(() => expect(hook.received).toHaveLength(3));
    expect(new Set(hook.received.map((r) => r.id)).size).toBe(1);
    expect(hook.verified(webhook.secret)).toHaveLength(3);
    // Each attempt is signed anew: the same id and body, its own timestamp.
    expect(new Set(hook.received.map((r) => r.body)).size).toBe(1);
    await eventually(async () =>
      expect(await deliveries(owner.id, webhook.id)).toEqual([
        expect.objectContaining({
          id: hook.received[0]!.id,
          status: 'delivered',
          attempts: 3,
          last_status_code: 200,
          next_attempt_at: null,
        }),
      ]),
    );
  });

  it('when every attempt fails, then the delivery ends failed after the last retry, with the last status', async () => {
    const hook = await receiver(() => 500);
    const { owner, cal } = await h.bookable();
    const webhook = await subscribe(owner.id, { url: hook.url, events: ['event.booked'] });

    expect((await h.book(cal.id, NINE, NINE_THIRTY)).status).toBe(201);

    await eventually(async () =>
      expect(await deliveries(owner.id, webhook.id)).toEqual([
        expect.objectContaining({ status: 'failed', attempts: 4, last_status_code: 500, next_attempt_at: null }),
      ]),
    );
    expect(hook.received).toHaveLength(4);
  });

  it('when a webhook names a calendar, then only that calendar’s changes reach it', async () => {
    const hook = await receiver();
    const { owner, cal, hours } = await h.bookable();
    const second = await h.calendar(owner.id, [hours.id], { meeting_duration_minutes: 30 });
    const webhook = await subscribe(owner.id, { url: hook.url, events: ['event.booked'], calendar_ids: [second.id] });

    expect((await h.book(cal.id, NINE, NINE_THIRTY)).status).toBe(201);
    const onSecond = await h.book(second.id, '2030-06-24T11:00:00+02:00', '2030-06-24T11:30:00+02:00');
    expect(onSecond.status).toBe(201);

    await eventually(() => expect(hook.received).toHaveLength(1));
    const [payload] = hook.verified(webhook.secret) as Array<{ data: Json }>;
    expect(payload!.data.id).toBe(onSecond.body.id);
    await new Promise((resolve) => setTimeout(resolve, 4 * RETRY_MS));
    expect(hook.received).toHaveLength(1);
  });

  it("when one owner's calendar changes, then another owner's webhooks hear nothing", async () => {
    const hook = await receiver();
    const { cal } = await h.bookable();
    const other = await h.bookable();
    await subscribe(other.owner.id, { url: hook.url, events: ['event.booked'] });

    expect((await h.book(cal.id, NINE, NINE_THIRTY)).status).toBe(201);
    await new Promise((resolve) => setTimeout(resolve, 4 * RETRY_MS));
    expect(hook.received).toHaveLength(0);
  });

  it('when a webhook is deleted while its delivery waits for a retry, then it receives nothing more', async () => {
    const hook = await receiver(() => 503);
    const { owner, cal } = await h.bookable();
    const webhook = await subscribe(owner.id, { url: hook.url, events: ['event.booked', 'event.canceled'] });
    const booked = await h.book(cal.id, NINE, NINE_THIRTY);
    await eventually(() => expect(hook.received).toHaveLength(1));

    expect((await h.send('DELETE', `${webhooksOf(owner.id)}/${webhook.id}`)).status).toBe(204);
    const count = hook.received.length;
    expect((await h.send('DELETE', `/api/event/events/${booked.body.id}`)).status).toBe(204);

    await new Promise((resolve) => setTimeout(resolve, 6 * RETRY_MS));
    // At most the attempt already under way when the delete answered.
    expect(hook.received.length).toBeLessThanOrEqual(count + 1);
    expect(new Set(hook.received.map((r) => r.id)).size).toBe(1);
    expect((await h.send('GET', webhooksOf(owner.id))).body).toEqual([]);
    expect((await h.send('GET', `${webhooksOf(owner.id)}/${webhook.id}/deliveries`)).status).toBe(404);
  });
});

describe('webhook URLs without ALLOW_PRIVATE_URLS', () => {
  const strict = useHarness(undefined, { allowPrivateUrls: false });

  it('when a URL is or resolves to a loopback or private address, then it is refused with 400 naming url', async () => {
    const { owner } = await strict.bookable();
    for (const url of ['http://127.0.0.1:8080/h', 'http://10.0.0.8/h', 'http://[::1]/h', 'http://localhost/h']) {
      const refused = await strict.send('POST', webhooksOf(owner.id), { url, events: ['event.booked'] });
      expect(refused.status, url).toBe(400);
      expect(errorPaths(refused.body), url).toEqual(['url']);
    }
    expect((await strict.send('GET', webhooksOf(owner.id))).body).toEqual([]);
  });
});
