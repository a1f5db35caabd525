/**
 * The WebhookStore port (webhooks, their delivery log and the calendar owners), against every
 * adapter: memory always, MongoDB when MONGODB_URL is set (or Docker can start one).
 */
import { describeContract } from '@slotkeeper/testing';
import { ManualClock } from '@slotkeeper/time';
import { describe, expect, it } from 'vitest';
import { MemoryWebhookStore } from '../src/adapters/memory/memory-webhook-store.js';
import { MongoWebhookStore } from '../src/adapters/mongo/mongo-webhook-store.js';
import { newDelivery, type Delivery } from '../src/domain/delivery.js';
import { MEMORY_DELIVERIES_PER_WEBHOOK, type WebhookStanding, type WebhookStore } from '../src/domain/ports.js';
import type { WebhookSubscription } from '../src/domain/webhook.js';
import { at, CAL, EVENT, id, OTHER_CAL, OTHER_USER, USER } from './fixtures.js';

const webhook = (n: number, more: Partial<WebhookSubscription> = {}): WebhookSubscription => ({
  id: id(n),
  userId: USER,
  url: `https://hooks.example/${n}`,
  events: ['event.booked', 'event.canceled'],
  calendarIds: [],
  // Opaque to the store: the domain seals and opens it.
  sealedSecret: `v1.k1.sealed-${n}`,
  createdAt: at(n),
  ...more,
});

const message = (n: number) => `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
const delivery = (webhookN: number, n: number, more: Partial<Delivery> = {}): Delivery => ({
  ...newDelivery(
    {
      webhookId: id(webhookN),
      userId: USER,
      type: 'event.booked',
      eventId: EVENT,
      messageId: message(n),
      body: `{"n":${n}}`,
    },
    at(n),
  ),
  ...more,
});

/** An attempt's outcome that leaves the delivery pending, with `attempts` made. */
const retrying = (attempts: number) => ({
  status: 'pending' as const,
  attempts,
  lastStatusCode: 503,
  lastError: 'the endpoint answered 503',
  nextAttemptAt: at(300),
});

await describeContract<WebhookStore>(
  'WebhookStore',
  { memory: () => new MemoryWebhookStore(), mongo: (connection) => new MongoWebhookStore(connection) },
  (store) => {
    /**
     * What a store answers of a webhook it does not hold and holds no tombstone of: the memory
     * store, which forgets on a restart, cannot tell; a durable one knows it was deleted.
     */
    const notHeld = (): WebhookStanding => (store() instanceof MemoryWebhookStore ? 'unknown' : 'deleted');

    it('when webhooks are created, then they are found and listed by creation, per user', async () => {
      expect(await store().create(webhook(2, { calendarIds: [CAL] }), 10)).toBe(true);
      expect(await store().create(webhook(1), 10)).toBe(true);
      expect(await store().create(webhook(3, { userId: OTHER_USER }), 10)).toBe(true);

      expect(await store().find(id(2))).toEqual(webhook(2, { calendarIds: [CAL] }));
      expect((await store().listByUser(USER)).map((w) => w.id)).toEqual([id(1), id(2)]);
      expect(await store().listByUser('ffffffffffffffffffffffff')).toEqual([]);
      expect(await store().find(id(9))).toBeNull();
    });

    it('when a user holds the most webhooks, then another is refused and nothing is written', async () => {
      expect(await store().create(webhook(1), 2)).toBe(true);
      expect(await store().create(webhook(2), 2)).toBe(true);
      expect(await store().create(webhook(3), 2)).toBe(false);
      expect(await store().create(webhook(4, { userId: OTHER_USER }), 2)).toBe(true);
      expect(await store().find(id(3))).toBeNull();
    });

    it('when two creations of one user race for the last place, then exactly one is stored', async () => {
      expect(await store().create(webhook(1), 2)).toBe(true);
      const results = await Promise.all([store().create(webhook(2), 2), store().create(webhook(3), 2)]);
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await store().listByUser(USER)).toHaveLength(2);
    });

    it('when a change happens, then the webhooks of its type and calendar (or of every calendar) match, by creation', async () => {
      await store().create(webhook(1), 10);
      await store().create(webhook(2, { calendarIds: [OTHER_CAL] }), 10);
      await store().create(webhook(3, { calendarIds: [CAL, OTHER_CAL], events: ['event.rescheduled'] }), 10);
      await store().create(webhook(4, { userId: OTHER_USER }), 10);

      const ids = async (type: 'event.booked' | 'event.rescheduled', calendar: string) =>
        (await store().matching(USER, type, calendar)).map((w) => w.id);
      expect(await ids('event.booked', CAL)).toEqual([id(1)]);
      expect(await ids('event.booked', OTHER_CAL)).toEqual([id(1), id(2)]);
      expect(await ids('event.rescheduled', CAL)).toEqual([id(3)]);
      expect((await store().matching(OTHER_USER, 'event.booked', CAL)).map((w) => w.id)).toEqual([id(4)]);
    });

    it("when a webhook is deleted, then it and its log are gone, and another user's delete does nothing", async () => {
      await store().create(webhook(1), 10);
      await store().create(webhook(2), 10);
      await store().record(delivery(1, 1));
      await store().record(delivery(2, 2));

      expect(await store().delete(OTHER_USER, id(1), at(100))).toBe(false);
      expect(await store().find(id(1))).not.toBeNull();
      expect(await store().delete(USER, id(1), at(100))).toBe(true);
      expect(await store().delete(USER, id(1), at(100))).toBe(false);

      expect(await store().find(id(1))).toBeNull();
      expect(await store().matching(USER, 'event.booked', CAL)).toEqual([webhook(2)]);
      expect(await store().listByWebhook(id(1), 100)).toEqual([]);
      expect(await store().findDelivery(delivery(1, 1).id)).toBeNull();
      expect(await store().listByWebhook(id(2), 100)).toEqual([delivery(2, 2)]);
    });

    it("when a webhook is deleted, then it stands deleted until its tombstone's time, and its neighbour live", async () => {
      await store().create(webhook(1), 10);
      await store().create(webhook(2), 10);
      expect(await store().standing(id(1), at(0))).toBe('live');

      expect(await store().delete(USER, id(1), at(3_600))).toBe(true);

      expect(await store().standing(id(1), at(0))).toBe('deleted');
      expect(await store().standing(id(1), at(3_599))).toBe('deleted');
      // After it, the memory store no longer knows; MongoDB still does.
      expect(await store().standing(id(1), at(3_600))).toBe(notHeld());
      expect(await store().standing(id(1), at(7_200))).toBe(notHeld());
      expect(await store().standing(id(2), at(0))).toBe('live');
    });

    it('when a webhook was never held, then the memory store answers unknown and MongoDB deleted', async () => {
      expect(await store().standing(id(9), at(0))).toBe(notHeld());
    });

    it('when another user deletes a webhook (or one that is not there), then nothing changes', async () => {
      await store().create(webhook(1), 10);

      expect(await store().delete(OTHER_USER, id(1), at(3_600))).toBe(false);
      expect(await store().delete(USER, id(9), at(3_600))).toBe(false);

      expect(await store().standing(id(1), at(0))).toBe('live');
      expect(await store().standing(id(9), at(0))).toBe(notHeld());
      expect(await store().find(id(1))).toEqual(webhook(1));
    });

    it('when a delivery is recorded twice (a redelivered message), then the first stands', async () => {
      expect(await store().record(delivery(1, 1))).toBe(true);
      expect(await store().record(delivery(1, 1, { body: '{"other":true}', createdAt: at(99) }))).toBe(false);
      expect(await store().findDelivery(delivery(1, 1).id)).toEqual(delivery(1, 1));
    });

    it('when attempts are written, then the delivery shows the last one', async () => {
      await store().record(delivery(1, 1));
      const update = retrying(1);
      expect(await store().update(delivery(1, 1).id, 0, update)).toBe(true);
      expect(await store().findDelivery(delivery(1, 1).id)).toEqual({ ...delivery(1, 1), ...update });

      const done = {
        status: 'delivered' as const,
        attempts: 2,
        lastStatusCode: 200,
        lastError: null,
        nextAttemptAt: null,
      };
      expect(await store().update(delivery(1, 1).id, 1, done)).toBe(true);
      expect(await store().findDelivery(delivery(1, 1).id)).toEqual({ ...delivery(1, 1), ...done });
      expect(await store().update('msg_gone', 0, done)).toBe(false);
    });

    it('when an outcome follows other attempts than the stored ones, then nothing is written', async () => {
      await store().record(delivery(1, 1));
      await store().update(delivery(1, 1).id, 0, retrying(1));

      // Behind (a copy of the first attempt) and ahead of the log alike.
      expect(await store().update(delivery(1, 1).id, 0, retrying(1))).toBe(false);
      expect(await store().update(delivery(1, 1).id, 2, retrying(3))).toBe(false);

      expect(await store().findDelivery(delivery(1, 1).id)).toEqual({ ...delivery(1, 1), ...retrying(1) });
    });

    it('when an attempt is claimed, then another claim is busy until its time, and claimed after', async () => {
      const { id: d } = delivery(1, 1);
      await store().record(delivery(1, 1));

      expect(await store().claim(d, 0, at(30), at(0))).toBe('claimed');
      // The refused claim writes nothing: the first one's time still holds.
      expect(await store().claim(d, 0, at(100), at(10))).toBe('busy');
      expect(await store().claim(d, 0, at(60), at(29))).toBe('busy');
      expect(await store().claim(d, 0, at(60), at(30))).toBe('claimed');
      expect(await store().claim(d, 0, at(90), at(59))).toBe('busy');

      // The claim stays the store's own: the delivery reads as recorded.
      expect(await store().findDelivery(d)).toEqual(delivery(1, 1));
    });

    it('when a copy may take over claims ending by a later time (a redelivered copy), then it takes over such a claim at once', async () => {
      const { id: d } = delivery(1, 1);
      await store().record(delivery(1, 1));
      await store().claim(d, 0, at(30), at(0));

      // A redelivered copy, 10 s in: a claim that ends by 30 s may be taken over.
      expect(await store().claim(d, 0, at(40), at(30))).toBe('claimed');
      expect(await store().claim(d, 0, at(60), at(30))).toBe('busy');
      expect(await store().claim(d, 0, at(60), at(40))).toBe('claimed');
    });

    it('when a claim names other attempts than the stored ones, then fewer are stale and more are busy', async () => {
      const { id: d } = delivery(1, 1);
      await store().record(delivery(1, 1));
      await store().update(d, 0, retrying(1));

      expect(await store().claim(d, 0, at(30), at(0))).toBe('stale');
      expect(await store().claim(d, 0, at(30), at(0))).toBe('stale');
      // The log is behind the job (its outcome not yet written): try again later.
      expect(await store().claim(d, 2, at(30), at(0))).toBe('busy');
      expect(await store().claim(d, 2, at(30), at(0))).toBe('busy');
      expect(await store().claim(d, 1, at(30), at(0))).toBe('claimed');
    });

    it('when a delivery is settled, then a claim of it is stale, delivered or failed', async () => {
      await store().record(delivery(1, 1));
      await store().record(delivery(1, 2));
      const settled = { attempts: 1, lastStatusCode: 200, lastError: null, nextAttemptAt: null };
      await store().update(delivery(1, 1).id, 0, { ...settled, status: 'delivered' });
      await store().update(delivery(1, 2).id, 0, { ...settled, status: 'failed' });

      expect(await store().claim(delivery(1, 1).id, 1, at(30), at(0))).toBe('stale');
      expect(await store().claim(delivery(1, 2).id, 1, at(30), at(0))).toBe('stale');
    });

    it('when no such delivery is held, then a claim of it is missing', async () => {
      expect(await store().claim('msg_unknown', 0, at(30), at(0))).toBe('missing');
      expect(await store().claim('msg_unknown', 0, at(30), at(0))).toBe('missing');
    });

    it("when an attempt's outcome is written, then its claim is released: the next attempt is claimed at once", async () => {
      const { id: d } = delivery(1, 1);
      await store().record(delivery(1, 1));
      await store().claim(d, 0, at(30), at(0));

      expect(await store().update(d, 0, retrying(1))).toBe(true);

      expect(await store().claim(d, 1, at(40), at(10))).toBe('claimed');
      expect(await store().claim(d, 1, at(40), at(20))).toBe('busy');
    });

    it('when a webhook has many deliveries, then its log lists the newest first, at most the limit', async () => {
      for (let n = 1; n <= 5; n++) await store().record(delivery(1, n));
      // Two at one instant: the id breaks the tie, descending.
      await store().record(delivery(1, 6, { createdAt: at(5) }));
      await store().record(delivery(2, 7));

      const listed = await store().listByWebhook(id(1), 4);
      const tie = [delivery(1, 5).id, delivery(1, 6, { createdAt: at(5) }).id].sort().reverse();
      expect(listed.map((d) => d.id)).toEqual([...tie, delivery(1, 4).id, delivery(1, 3).id]);
      expect(await store().listByWebhook(id(1), 100)).toHaveLength(6);
    });

    it("when a calendar's owner is remembered, then it is known, the latest kept, and others are not", async () => {
      expect(await store().knownOwner(CAL)).toBeNull();

      await store().rememberOwner(CAL, USER);
      await store().rememberOwner(OTHER_CAL, OTHER_USER);
      expect(await store().knownOwner(CAL)).toBe(USER);

      await store().rememberOwner(CAL, OTHER_USER);
      expect(await store().knownOwner(CAL)).toBe(OTHER_USER);
      expect(await store().knownOwner(OTHER_CAL)).toBe(OTHER_USER);
      expect(await store().knownOwner(EVENT)).toBeNull();
    });
  },
);

describe('MemoryWebhookStore', () => {
  it('when a webhook has more deliveries than its bound, then its log keeps the newest, by creation', async () => {
    const store = new MemoryWebhookStore();
    const total = MEMORY_DELIVERIES_PER_WEBHOOK + 10;
    // Recorded out of order (7 and 1,010 share no factor): the bound goes by creation, not arrival.
    for (let i = 0; i < total; i++) await store.record(delivery(1, ((i * 7) % total) + 1));
    await store.record(delivery(2, 1));

    const kept = await store.listByWebhook(id(1), 2 * total);
    expect(kept.map((d) => d.id)).toEqual(Array.from({ length: 1_000 }, (_, k) => delivery(1, total - k).id));
    expect(kept.at(-1)).toEqual(delivery(1, 11));
    expect(await store.findDelivery(delivery(1, 10).id)).toBeNull();
    expect(await store.listByWebhook(id(2), 10)).toEqual([delivery(2, 1)]);
  });

  it('when a delivery older than all a full log keeps comes, then it is dropped and the log stays as it was', async () => {
    const store = new MemoryWebhookStore();
    for (let n = 2; n <= MEMORY_DELIVERIES_PER_WEBHOOK + 1; n++) await store.record(delivery(1, n));

    await store.record(delivery(1, 1));

    const kept = await store.listByWebhook(id(1), 2_000);
    expect(kept).toHaveLength(1_000);
    expect(kept.at(-1)).toEqual(delivery(1, 2));
    expect(await store.claim(delivery(1, 1).id, 0, at(30), at(0))).toBe('missing');
    expect(await store.update(delivery(1, 1).id, 0, retrying(1))).toBe(false);
  });

  it("when a tombstone's time has passed on the clock, then the next delete prunes it, as MongoDB's TTL index would", async () => {
    const clock = new ManualClock(at(0));
    const store = new MemoryWebhookStore(clock);
    await store.create(webhook(1), 10);
    await store.create(webhook(2), 10);
    await store.delete(USER, id(1), at(60));

    clock.set(at(61));
    await store.delete(USER, id(2), at(120));

    // Asked about a past instant, the pruned tombstone is gone: the store no longer knows.
    expect(await store.standing(id(1), at(30))).toBe('unknown');
    expect(await store.standing(id(2), at(61))).toBe('deleted');
  });

  it('when a restart forgot a webhook, then its standing is unknown, not deleted', async () => {
    const before = new MemoryWebhookStore();
    await before.create(webhook(1), 10);
    expect(await before.standing(id(1), at(0))).toBe('live');

    const restarted = new MemoryWebhookStore();
    expect(await restarted.standing(id(1), at(0))).toBe('unknown');
  });

  it('when a claimed delivery is dropped by the bound and recorded again, then it comes back unclaimed', async () => {
    const store = new MemoryWebhookStore();
    await store.record(delivery(1, 1));
    await store.claim(delivery(1, 1).id, 0, at(30), at(0));
    for (let n = 2; n <= MEMORY_DELIVERIES_PER_WEBHOOK + 1; n++)
      await store.record(delivery(1, n, { createdAt: at(n + 100) }));
    expect(await store.findDelivery(delivery(1, 1).id)).toBeNull();

    // Were the bound to drop the entry and keep its claim, this would answer busy.
    expect(await store.record(delivery(1, 1, { createdAt: at(10_000) }))).toBe(true);
    expect(await store.claim(delivery(1, 1).id, 0, at(40), at(10))).toBe('claimed');
  });
});
