import { InProcessBus } from '@slotkeeper/messaging';
import { silentLogger } from '@slotkeeper/observability';
import type { OutboundClient } from '@slotkeeper/outbound-http';
import { startWebhookReceiver, type WebhookReceiver } from '@slotkeeper/testing/webhooks';
import { systemClock } from '@slotkeeper/time';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { consumeDeliveries, deliveryQueue } from '../src/adapters/delivery-worker.js';
import { httpSender, webhookClient } from '../src/adapters/http-delivery.js';
import { MemoryWebhookStore } from '../src/adapters/memory/memory-webhook-store.js';
import { generateWebhookSecret } from '../src/adapters/signer.js';
import { fanOut, type DeliveryDeps } from '../src/domain/delivery-use-cases.js';
import type { WebhookStore } from '../src/domain/ports.js';
import { newSubscription } from '../src/domain/webhook.js';
import { booked, id, OTHER_USER, secretBox, T0, USER } from './fixtures.js';

const QUEUE = 'test.webhook.deliver';
const open: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((o) => o.close()));
});

/**
 * The worker over the in-process bus's work queue (the embedded mode's), with `store` (a memory
 * store unless given), retries after 20 ms, and webhooks added with their plain secrets.
 */
async function worker(
  options: { store?: WebhookStore; perWebhook?: number; perUser?: number; retryDelaysMs?: number[] } = {},
) {
  const bus = new InProcessBus({ logger: silentLogger(), retryDelayMs: 10, maxAttempts: 3 });
  const memory = new MemoryWebhookStore();
  const store = options.store ?? memory;
  const secrets = secretBox();
  const client: OutboundClient = webhookClient(true, { totalTimeoutMs: 5_000 });
  open.push(client, bus);
  const deps: DeliveryDeps = {
    store,
    queue: deliveryQueue(bus, QUEUE),
    secrets,
    sender: httpSender(client),
    clock: systemClock,
    retryDelaysMs: options.retryDelaysMs ?? [20, 20, 20],
  };
  await consumeDeliveries(bus, QUEUE, deps, silentLogger(), {
    ...(options.perWebhook !== undefined && { perWebhook: options.perWebhook }),
    ...(options.perUser !== undefined && { perUser: options.perUser }),
  });
  let n = 0;
  const add = async (receiver: WebhookReceiver, userId = USER) => {
    const secret = generateWebhookSecret();
    const webhook = newSubscription(
      { id: id(++n), userId, url: receiver.url, events: ['event.booked'], calendarIds: [], createdAt: T0 },
      secret,
      secrets,
    );
    await memory.create(webhook, 20);
    return { webhook, secret };
  };
  return { bus, deps, add };
}

const receiver = async (...args: Parameters<typeof startWebhookReceiver>) => {
  const started = await startWebhookReceiver(...args);
  open.push(started);
  return started;
};

describe('the delivery worker', () => {
  it('when the store fails for a while, then the job is queued again each time and delivered once it is back: nothing is parked or lost', async () => {
    const hook = await receiver();
    const real = new MemoryWebhookStore();
    let failures = 5;
    // The store the worker sees: down for its first five calls, as in a database failover.
    const flaky = new Proxy(real, {
      get(target, name, receiverObject) {
        const value = Reflect.get(target, name, receiverObject) as unknown;
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          if (name !== 'create' && failures-- > 0) return Promise.reject(new Error('database unavailable'));
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
    const { bus, deps } = await worker({ store: flaky });
    const secret = generateWebhookSecret();
    await real.create(
      newSubscription(
        { id: id(1), userId: USER, url: hook.url, events: ['event.booked'], calendarIds: [], createdAt: T0 },
        secret,
        deps.secrets,
      ),
      20,
    );
    // Recorded and queued by the event consumer while the store still answered.
    await fanOut({ ...deps, store: real }, booked(), USER);

    await vi.waitFor(() => expect(hook.received).toHaveLength(1), { timeout: 5_000 });
    expect(hook.verified(secret)).toHaveLength(1);
    expect(bus.deadLetters).toEqual([]);
    expect(failures).toBeLessThanOrEqual(0);
  });

  it('when one endpoint hangs, then it holds at most its share of the attempts and another webhook is delivered meanwhile', async () => {
    const hanging = await receiver(() => 'hang');
    const fast = await receiver();
    const { deps, add } = await worker({ perWebhook: 3 });
    await add(hanging);
    const message = booked();
    for (let i = 0; i < 6; i++) await fanOut(deps, { ...message, id: crypto.randomUUID() }, USER);
    await vi.waitFor(() => expect(hanging.received).toHaveLength(3));

    const other = await add(fast);
    await fanOut(deps, { ...booked(), id: crypto.randomUUID() }, USER);

    await vi.waitFor(() => expect(fast.received.length).toBeGreaterThanOrEqual(1));
    expect(fast.verified(other.secret).length).toBeGreaterThanOrEqual(1);
    // Still only three held: the others wait their turn on the queue.
    expect(hanging.received).toHaveLength(3);
  });

  it("when all of one user's webhooks hang, then together they hold at most the user's share, and another user's are delivered", async () => {
    const hanging = await Promise.all([1, 2, 3].map(() => receiver(() => 'hang')));
    const fast = await receiver();
    const { deps, add } = await worker({ perWebhook: 3, perUser: 4 });
    for (const r of hanging) await add(r);
    const other = await add(fast, OTHER_USER);
    for (let i = 0; i < 3; i++) await fanOut(deps, { ...booked(), id: crypto.randomUUID() }, USER);
    await vi.waitFor(() => expect(hanging.reduce((n, r) => n + r.received.length, 0)).toBe(4));

    await fanOut(deps, { ...booked(), id: crypto.randomUUID() }, OTHER_USER);

    await vi.waitFor(() => expect(fast.verified(other.secret)).toHaveLength(1));
    expect(hanging.reduce((n, r) => n + r.received.length, 0)).toBe(4);
  });

  it('when a burst for one fast endpoint exceeds its share, then the jobs over it wait for a place here rather than a minute on the queue', async () => {
    const hook = await receiver();
    const { deps, add } = await worker({ perWebhook: 2, retryDelaysMs: [60_000] });
    const { secret } = await add(hook);

    for (let i = 0; i < 12; i++) await fanOut(deps, { ...booked(), id: crypto.randomUUID() }, USER);

    await vi.waitFor(() => expect(hook.received).toHaveLength(12), { timeout: 3_000 });
    expect(hook.verified(secret)).toHaveLength(12);
  });

  it('when a job is not a delivery, then it is refused and parked, not dropped', async () => {
    const { bus } = await worker();
    await bus.enqueueJob(QUEUE, { id: 'not-a-delivery', something: 'else' });
    await vi.waitFor(() => expect(bus.deadLetters).toHaveLength(1));
    expect(bus.deadLetters[0]).toMatchObject({ queue: QUEUE });
  });
});
