import type { WebhookEventType } from '@slotkeeper/contracts';
import type { OutboundClient } from '@slotkeeper/outbound-http';
import { SecretBox } from '@slotkeeper/secret-box';
import { ManualClock, systemClock } from '@slotkeeper/time';
import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it } from 'vitest';
import { httpSender, webhookClient } from '../src/adapters/http-delivery.js';
import { MemoryWebhookStore } from '../src/adapters/memory/memory-webhook-store.js';
import { generateWebhookSecret } from '../src/adapters/signer.js';
import {
  fanOut,
  recordDeliveries,
  ATTEMPT_CLAIM_MS,
  CLAIM_TAKEOVER_MS,
  runAttempt,
  SECRET_UNREADABLE,
  type DeliveryDeps,
  type DeliveryJob,
} from '../src/domain/delivery-use-cases.js';
import type { AttemptOutcome } from '../src/domain/delivery.js';
import { newSubscription } from '../src/domain/webhook.js';
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

/**
 * A memory store, a secret box, the jobs queued (with the wait each asked for; the tests play the
 * work queue's part and run them) and, per webhook added, its plain secret (as the 201 showed it).
 */
function system(deps: Partial<DeliveryDeps> = {}) {
  const store = new MemoryWebhookStore();
  const secrets = secretBox();
  const plain = new Map<string, string>();
  const queued: Array<{ job: DeliveryJob; delayMs: number | undefined }> = [];
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
    queue: { enqueue: async (job, delayMs) => void queued.push({ job: structuredClone(job), delayMs }) },
    secrets,
    sender: httpSender(client),
    clock: systemClock,
    retryDelaysMs: [10, 20, 30],
    ...deps,
  };
  /** Takes the oldest queued job, as the work queue would hand it to a worker. */
  const next = () => {
    const entry = queued.shift();
    if (!entry) throw new Error('nothing queued');
    return entry;
  };
  return { store, secrets, plain, add, deps: full, queued, next };
}

describe('recording deliveries', () => {
  it('when an event is booked, then each matching webhook gets one pending delivery with the same body', async () => {
    const { add, deps } = system({ clock: new ManualClock(T0) });
    const all = await add('https://a.example/h', ['event.booked']);
    const onCal = await add('https://b.example/h', ['event.booked'], [CAL]);
    await add('https://c.example/h', ['event.booked'], [OTHER_CAL]);
    await add('https://d.example/h', ['event.canceled']);

    const planned = await recordDeliveries(deps, booked(), USER);

    expect(planned.map((p) => p.webhook.id)).toEqual([all.id, onCal.id]);
    expect(new Set(planned.map((p) => p.delivery.body))).toEqual(new Set([planned[0]!.delivery.body]));
    expect(planned[0]!.delivery).toMatchObject({
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
    await store.update(first!.delivery.id, 0, {
      status: 'delivered',
      attempts: 1,
      lastStatusCode: 200,
      lastError: null,
      nextAttemptAt: null,
    });

    const again = await recordDeliveries(deps, message, USER);

    expect(again.map((p) => p.delivery)).toMatchObject([{ id: first!.delivery.id, status: 'delivered' }]);
    expect(await store.listByWebhook(webhook.id, 100)).toHaveLength(1);
  });

  it('when no webhook matches, then nothing is recorded', async () => {
    const { add, deps } = system();
    await add('https://a.example/h', ['event.booked']);
    expect(await recordDeliveries(deps, rescheduled(), USER)).toEqual([]);
  });
});

describe('fanning a change out', () => {
  it('when a change matches, then one job per delivery is queued now, carrying what the attempt needs, the secret sealed', async () => {
    const { add, deps, queued, plain } = system();
    const webhook = await add('https://a.example/h', ['event.booked']);

    const jobs = await fanOut(deps, booked(), USER);

    expect(queued).toEqual(jobs.map((job) => ({ job, delayMs: undefined })));
    expect(jobs).toMatchObject([
      { webhook_id: webhook.id, url: 'https://a.example/h', type: 'event.booked', event_id: apiEvent.id, attempts: 0 },
    ]);
    expect(JSON.stringify(jobs)).not.toContain(plain.get(webhook.id)!.slice('whsec_'.length));
  });

  it('when the message comes again, then an untried delivery is queued again and a delivered one is not', async () => {
    const { add, deps, queued, store } = system();
    await add('https://a.example/h', ['event.booked']);
    const message = booked();
    const [job] = await fanOut(deps, message, USER);

    expect(await fanOut(deps, message, USER)).toEqual([job]);
    await store.update(job!.id, 0, {
      status: 'delivered',
      attempts: 1,
      lastStatusCode: 200,
      lastError: null,
      nextAttemptAt: null,
    });
    expect(await fanOut(deps, message, USER)).toEqual([]);
    expect(queued).toHaveLength(2);
  });
});

describe('attempting a delivery', () => {
  it('when the receiver fails twice then succeeds, then it gets three attempts with one webhook-id, each verified, logged', async () => {
    const server = await receiver((n) => (n < 3 ? 503 : 200));
    open.push(server);
    const { add, deps, store, plain, next, queued } = system();
    const webhook = await add(server.url, ['event.booked']);
    const [job] = await fanOut(deps, booked(), USER);

    const results = [];
    const waits = [];
    for (let n = 0; n < 3; n++) {
      const entry = next();
      waits.push(entry.delayMs);
      results.push(await runAttempt(deps, entry.job));
    }

    expect(results).toEqual([
      { kind: 'retrying', statusCode: 503, error: 'the endpoint answered 503', logged: true },
      { kind: 'retrying', statusCode: 503, error: 'the endpoint answered 503', logged: true },
      { kind: 'delivered', statusCode: 200, error: null, logged: true },
    ]);
    expect(waits).toEqual([undefined, 10, 20]);
    expect(queued).toEqual([]);
    expect(server.received.map((r) => r.headers['webhook-id'])).toEqual([job!.id, job!.id, job!.id]);
    for (const request of server.received)
      expect(
        new Webhook(plain.get(webhook.id)!).verify(request.body, request.headers as Record<string, string>),
      ).toEqual({
        type: 'event.booked',
        timestamp: T0.toISOString(),
        data: apiEvent,
      });
    expect(await store.listByWebhook(webhook.id, 100)).toMatchObject([
      { id: job!.id, status: 'delivered', attempts: 3, lastStatusCode: 200, lastError: null, nextAttemptAt: null },
    ]);
    // Once delivered, another copy of a job sends nothing.
    expect(await runAttempt(deps, job!)).toEqual({ kind: 'stale' });
    expect(server.received).toHaveLength(3);
  });

  it('when every attempt fails, then each waits the next delay and after the last the delivery has failed', async () => {
    const clock = new ManualClock(T0);
    const sent: string[] = [];
    const failing = async (a: { id: string }): Promise<AttemptOutcome> => {
      sent.push(a.id);
      return { ok: false, statusCode: 500, error: 'the endpoint answered 500' };
    };
    const { add, deps, next, store, queued } = system({
      clock,
      sender: { send: failing },
      retryDelaysMs: [5_000, 300_000],
    });
    const webhook = await add('https://a.example/h', ['event.booked']);
    await fanOut(deps, booked(), USER);

    expect(await runAttempt(deps, next().job)).toMatchObject({ kind: 'retrying', statusCode: 500 });
    expect(await store.listByWebhook(webhook.id, 1)).toMatchObject([
      { status: 'pending', attempts: 1, nextAttemptAt: new Date(T0.getTime() + 5_000) },
    ]);
    const second = next();
    expect(second.delayMs).toBe(5_000);
    await runAttempt(deps, second.job);
    const third = next();
    expect(third.delayMs).toBe(300_000);
    expect(await runAttempt(deps, third.job)).toMatchObject({ kind: 'failed', statusCode: 500 });

    expect(await store.listByWebhook(webhook.id, 1)).toMatchObject([
      { status: 'failed', attempts: 3, lastStatusCode: 500, nextAttemptAt: null },
    ]);
    expect(queued).toEqual([]);
    expect(sent).toHaveLength(3);
  });

  it('when a copy of a job lags behind the log (its retry was queued before a crash), then it sends nothing', async () => {
    const server = await receiver(() => 503);
    open.push(server);
    const { add, deps, next } = system();
    await add(server.url, ['event.booked']);
    await fanOut(deps, booked(), USER);
    const first = next().job;
    await runAttempt(deps, first);

    // The broker hands the first job out again: the log shows it tried, and its retry is queued.
    expect(await runAttempt(deps, first)).toEqual({ kind: 'stale' });
    expect(server.received).toHaveLength(1);
  });

  it('when two copies of a job run at once (two instances), then one sends, the other is queued again and later finds the log moved on', async () => {
    const server = await receiver(() => 204);
    open.push(server);
    const { add, deps, next, queued } = system();
    await add(server.url, ['event.booked']);
    await fanOut(deps, booked(), USER);
    const job = next().job;

    const results = await Promise.all([runAttempt(deps, job), runAttempt(deps, structuredClone(job))]);

    expect(results.map((r) => r.kind).sort()).toEqual(['delivered', 'postponed']);
    expect(server.received).toHaveLength(1);
    expect(queued).toEqual([{ job, delayMs: 10 }]);
    expect(await runAttempt(deps, next().job)).toEqual({ kind: 'stale' });
    expect(server.received).toHaveLength(1);
  });

  it('when the worker holding an attempt died, then the copy the broker redelivers takes it over once it cannot still be sending, and any other copy waits', async () => {
    const server = await receiver(() => 204);
    open.push(server);
    const clock = new ManualClock(new Date());
    const { add, deps, next, store, queued } = system({ clock });
    await add(server.url, ['event.booked']);
    await fanOut(deps, booked(), USER);
    const job = next().job;
    const now = clock.now();
    // A worker claimed the attempt, then its process died.
    expect(await store.claim(job.id, 0, new Date(now.getTime() + ATTEMPT_CLAIM_MS), now)).toBe('claimed');

    expect(await runAttempt(deps, job)).toEqual({ kind: 'postponed' });
    expect(queued).toHaveLength(1);
    // Redelivered, but the claim is too young: its holder may only have lost its connection.
    expect(await runAttempt(deps, job, { redelivered: true })).toEqual({ kind: 'postponed' });
    clock.set(new Date(now.getTime() + CLAIM_TAKEOVER_MS));
    expect(await runAttempt(deps, job)).toEqual({ kind: 'postponed' });
    expect(await runAttempt(deps, job, { redelivered: true })).toMatchObject({ kind: 'delivered' });
    expect(server.received).toHaveLength(1);
  });

  it('when the log lost the delivery (a memory store restarted), then the job alone delivers it and logs it again', async () => {
    const server = await receiver(() => 204);
    open.push(server);
    const { add, deps, next, plain } = system();
    const webhook = await add(server.url, ['event.booked']);
    await fanOut(deps, booked(), USER);
    const job = next().job;
    const restarted = new MemoryWebhookStore();

    expect(await runAttempt({ ...deps, store: restarted }, job)).toMatchObject({
      kind: 'delivered',
      statusCode: 204,
      logged: true,
    });
    expect(
      new Webhook(plain.get(webhook.id)!).verify(
        server.received[0]!.body,
        server.received[0]!.headers as Record<string, string>,
      ),
    ).toMatchObject({ type: 'event.booked' });
    expect(await restarted.listByWebhook(webhook.id, 10)).toMatchObject([
      { id: job.id, status: 'delivered', attempts: 1 },
    ]);
  });

  it('when the webhook was deleted, then its queued jobs send nothing and new changes queue none', async () => {
    const server = await receiver();
    open.push(server);
    const { add, deps, store, next } = system();
    const webhook = await add(server.url, ['event.booked']);
    await fanOut(deps, booked(), USER);

    await store.delete(USER, webhook.id, new Date(Date.now() + 60_000));

    expect(await runAttempt(deps, next().job)).toEqual({ kind: 'deleted' });
    expect(await fanOut(deps, booked(), USER)).toEqual([]);
    expect(server.received).toHaveLength(0);
  });

  it('when the secret will not open (its key left SECRET_KEYS), then nothing is sent and the attempt fails with a safe reason', async () => {
    const server = await receiver();
    open.push(server);
    const { add, deps, next, store } = system();
    const webhook = await add(server.url, ['event.booked']);
    await fanOut(deps, booked(), USER);
    const otherKeys = SecretBox.fromEnv(`k2:${Buffer.alloc(32, 7).toString('base64')}`);

    expect(await runAttempt({ ...deps, secrets: otherKeys }, next().job)).toMatchObject({
      kind: 'retrying',
      statusCode: null,
      error: SECRET_UNREADABLE,
    });
    expect(await store.listByWebhook(webhook.id, 1)).toMatchObject([
      { status: 'pending', lastError: SECRET_UNREADABLE, lastStatusCode: null },
    ]);
    expect(server.received).toHaveLength(0);
  });
});
