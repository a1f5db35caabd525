/**
 * The webhook service's MongoDB adapter at the command level, against the recording layer under
 * mongoose: what each method sends to the driver. Runs everywhere.
 */
import { mongoServerError, onlyCommand, servedBy, useMongoRecorder } from '@slotkeeper/testing';
import { describe, expect, it } from 'vitest';
import { generateWebhookSecret } from '../src/adapters/signer.js';
import { MongoWebhookStore } from '../src/adapters/mongo/mongo-webhook-store.js';
import { newDelivery } from '../src/domain/delivery.js';
import { newSubscription, type WebhookSubscription } from '../src/domain/webhook.js';
import { at, CAL, EVENT, OTHER_CAL, secretBox, T0, USER } from './fixtures.js';

const HOOK = '111111111111111111111111';
const MESSAGE = '0b0e5b9a-8d4f-4c53-9a43-3f4f5c2b1e10';
const UNTIL = at(86_400);

const webhook: WebhookSubscription = {
  id: HOOK,
  userId: USER,
  url: 'https://crm.example.com/hook',
  events: ['event.booked'],
  calendarIds: [CAL],
  sealedSecret: 'v1.k1.iv.ct.tag',
  createdAt: T0,
};
/** `webhook` as `webhooks` holds it. */
const webhookDoc = {
  _id: HOOK,
  user_id: USER,
  url: 'https://crm.example.com/hook',
  events: ['event.booked'],
  calendar_ids: [CAL],
  sealed_secret: 'v1.k1.iv.ct.tag',
  created_at: T0,
};
const delivery = newDelivery(
  {
    webhookId: HOOK,
    userId: USER,
    type: 'event.booked',
    eventId: EVENT,
    messageId: MESSAGE,
    body: '{"type":"event.booked"}',
  },
  T0,
);
const deliveryDoc = {
  _id: delivery.id,
  webhook_id: HOOK,
  user_id: USER,
  type: 'event.booked',
  event_id: EVENT,
  message_id: MESSAGE,
  body: '{"type":"event.booked"}',
  status: 'pending',
  attempts: 0,
  last_status_code: null,
  last_error: null,
  next_attempt_at: T0,
  created_at: T0,
  claimed_until: null,
};

const { rec, repository: store } = useMongoRecorder((connection) => new MongoWebhookStore(connection), { clear: true });

const trail = () => rec.commands.filter((c) => c.collection !== '$session').map((c) => `${c.collection}.${c.method}`);
const allInOneTransaction = () =>
  rec.commands.filter((c) => c.collection !== '$session').every((c) => c.session === 1 && c.inTransaction);

describe('webhooks', () => {
  it('when created, then the user guard, the count and the insert run in one transaction', async () => {
    rec.answer('webhooks', 'countDocuments', 3);
    expect(await store.create(webhook, 20)).toBe(true);
    expect(trail()).toEqual(['webhook_users.updateOne', 'webhooks.countDocuments', 'webhooks.insertOne']);
    expect(allInOneTransaction()).toBe(true);
    expect(rec.on('webhook_users', 'updateOne')[0]!.args.slice(0, 2)).toEqual([
      { _id: USER },
      { $inc: { creations: 1 } },
    ]);
    expect(rec.on('webhooks', 'countDocuments')[0]!.args[0]).toEqual({ user_id: USER });
    expect(rec.on('webhooks', 'insertOne')[0]!.args[0]).toEqual(webhookDoc);
  });

  it('when the user holds the most, then nothing is inserted', async () => {
    rec.answer('webhooks', 'countDocuments', 20);
    expect(await store.create(webhook, 20)).toBe(false);
    expect(rec.on('webhooks', 'insertOne')).toEqual([]);
  });

  it('when an owner adds a webhook, then the inserted document holds its secret sealed, never plain', async () => {
    const secret = generateWebhookSecret();
    await store.create(newSubscription({ ...webhook }, secret, secretBox()), 20);
    const inserted = JSON.stringify(rec.on('webhooks', 'insertOne')[0]!.args);
    expect(inserted).not.toContain(secret);
    expect(inserted).not.toContain(secret.slice('whsec_'.length));
    expect(inserted).toMatch(/"sealed_secret":"v1\.k1\./);
  });

  it("when a user's webhooks are listed, then one query by the by_user index reads them in creation order", async () => {
    rec.answer('webhooks', 'find', [webhookDoc]);
    expect(await store.listByUser(USER)).toEqual([webhook]);
    const command = onlyCommand(rec.on('webhooks'));
    expect(command.args[0]).toEqual({ user_id: USER });
    expect(servedBy(command, rec.indexes())?.options.name).toBe('by_user');
  });

  it('when a change is matched, then one query asks for its type and its calendar or none', async () => {
    rec.answer('webhooks', 'find', [webhookDoc]);
    expect(await store.matching(USER, 'event.booked', CAL)).toEqual([webhook]);
    const command = onlyCommand(rec.on('webhooks'));
    expect(command.args[0]).toEqual({
      user_id: USER,
      events: 'event.booked',
      $or: [{ calendar_ids: { $size: 0 } }, { calendar_ids: CAL }],
    });
    expect(command.args[1]).toMatchObject({ sort: { created_at: 1, _id: 1 } });
    // The user's webhooks by the index (at most MAX_WEBHOOKS_PER_USER), the type and calendars sifted among them.
    const shape = { equality: ['user_id'], sort: { created_at: 1, _id: 1 } };
    const indexes = rec.indexes().filter((index) => index.collection === 'webhooks');
    expect(servedBy(shape, indexes)?.options.name).toBe('by_user');
  });

  it('when deleted, then the webhook (its owner in the filter) and its log go in one transaction, no tombstone', async () => {
    rec.answer('webhooks', 'deleteOne', { acknowledged: true, deletedCount: 1 });
    expect(await store.delete(USER, HOOK, UNTIL)).toBe(true);
    expect(trail()).toEqual(['webhooks.deleteOne', 'webhook_deliveries.deleteMany']);
    expect(allInOneTransaction()).toBe(true);
    expect(rec.on('webhooks', 'deleteOne')[0]!.args[0]).toEqual({ _id: HOOK, user_id: USER });
    const deletion = onlyCommand(rec.on('webhook_deliveries', 'deleteMany'));
    expect(deletion.args[0]).toEqual({ webhook_id: HOOK });
    expect(servedBy(deletion, rec.indexes())?.options.name).toBe('by_webhook');
  });

  it("when another user's webhook is deleted, then its log is left alone", async () => {
    rec.answer('webhooks', 'deleteOne', { acknowledged: true, deletedCount: 0 });
    expect(await store.delete(USER, HOOK, UNTIL)).toBe(false);
    expect(trail()).toEqual(['webhooks.deleteOne']);
  });

  it("when a webhook's standing is asked, then one point read by _id, its id alone projected, says live", async () => {
    rec.answer('webhooks', 'findOne', { _id: HOOK });
    expect(await store.standing(HOOK, T0)).toBe('live');
    const command = onlyCommand(rec.on('webhooks'));
    expect(command.method).toBe('findOne');
    expect(command.args[0]).toEqual({ _id: HOOK });
    expect(command.args[1]).toMatchObject({ projection: { _id: 1 } });
    expect(servedBy(command, rec.indexes())?.options.name).toBe('_id_');
  });

  it('when the webhook is not held, then it stands deleted, whatever the time', async () => {
    expect(await store.standing(HOOK, T0)).toBe('deleted');
    expect(await store.standing(HOOK, at(10 * 86_400))).toBe('deleted');
  });
});

describe('indexes', () => {
  const ttl = (collection: string) =>
    rec.indexes().filter((index) => index.collection === collection && 'expireAfterSeconds' in index.options);

  it('when initialised, then no tombstone collection is set up, nor any index for it', () => {
    expect(rec.indexes().filter((index) => index.collection === 'webhook_tombstones')).toEqual([]);
    expect(rec.commands.filter((c) => c.collection === 'webhook_tombstones')).toEqual([]);
  });

  it('when initialised, then deliveries expire 30 days after creation, by a TTL index of their own', () => {
    const [index, ...others] = ttl('webhook_deliveries');
    expect(others).toEqual([]);
    expect(index).toMatchObject({ key: { created_at: 1 }, options: { expireAfterSeconds: 30 * 86_400 } });
    // A TTL index has one field: the log's listing keeps its compound index, without one.
    const byWebhook = rec
      .indexes()
      .find((i) => i.collection === 'webhook_deliveries' && i.options.name === 'by_webhook');
    expect(byWebhook?.options).not.toHaveProperty('expireAfterSeconds');
  });
});

describe('deliveries', () => {
  it('when recorded, then one insert writes it whole', async () => {
    expect(await store.record(delivery)).toBe(true);
    expect(onlyCommand(rec.on('webhook_deliveries')).args[0]).toEqual(deliveryDoc);
  });

  it('when recorded again (E11000 on _id), then it answers false and the first stands', async () => {
    rec.answer(
      'webhook_deliveries',
      'insertOne',
      mongoServerError({ code: 11000, errmsg: 'E11000 index: _id_ dup key' }),
    );
    expect(await store.record(delivery)).toBe(false);
  });

  it('when the database fails otherwise, then the error is not taken for a repeat', async () => {
    rec.answer('webhook_deliveries', 'insertOne', mongoServerError({ code: 91, codeName: 'ShutdownInProgress' }));
    await expect(store.record(delivery)).rejects.toThrow();
  });

  it('when an attempt is written, then one update by id and the attempts it follows sets its outcome and releases the claim', async () => {
    const update = { status: 'failed' as const, attempts: 8, lastStatusCode: 500, lastError: 'x', nextAttemptAt: null };
    expect(await store.update(delivery.id, 7, update)).toBe(true);
    const command = onlyCommand(rec.on('webhook_deliveries'));
    expect(command.method).toBe('updateOne');
    expect(command.args.slice(0, 2)).toEqual([
      { _id: delivery.id, attempts: 7 },
      {
        $set: {
          status: 'failed',
          attempts: 8,
          last_status_code: 500,
          last_error: 'x',
          next_attempt_at: null,
          claimed_until: null,
        },
      },
    ]);
  });

  it('when the update matches nothing (gone, or moved past those attempts), then it answers false', async () => {
    rec.answer('webhook_deliveries', 'updateOne', { acknowledged: true, matchedCount: 0, modifiedCount: 0 });
    const update = { status: 'failed' as const, attempts: 8, lastStatusCode: 500, lastError: 'x', nextAttemptAt: null };
    expect(await store.update(delivery.id, 7, update)).toBe(false);
    expect(rec.on('webhook_deliveries')).toHaveLength(1);
  });

  it("when a webhook's log is listed, then one query by the by_webhook index reads the newest, limited", async () => {
    rec.answer('webhook_deliveries', 'find', [deliveryDoc]);
    expect(await store.listByWebhook(HOOK, 100)).toEqual([delivery]);
    const command = onlyCommand(rec.on('webhook_deliveries'));
    expect(command.args[0]).toEqual({ webhook_id: HOOK });
    expect(command.args[1]).toMatchObject({ sort: { created_at: -1, _id: -1 }, limit: 100 });
    expect(servedBy(command, rec.indexes())?.options.name).toBe('by_webhook');
  });
});

describe('claims', () => {
  const CLAIM_UNTIL = at(30);
  const missed = { acknowledged: true, matchedCount: 0, modifiedCount: 0, upsertedCount: 0, upsertedId: null };

  it('when an attempt is claimed, then one conditional update by _id sets claimed_until, and nothing is read', async () => {
    expect(await store.claim(delivery.id, 2, CLAIM_UNTIL, T0)).toBe('claimed');
    const command = onlyCommand(rec.on('webhook_deliveries'));
    expect(command.method).toBe('updateOne');
    expect(command.args.slice(0, 2)).toEqual([
      {
        _id: delivery.id,
        status: 'pending',
        attempts: 2,
        $or: [{ claimed_until: null }, { claimed_until: { $lte: T0 } }],
      },
      { $set: { claimed_until: CLAIM_UNTIL } },
    ]);
    expect(servedBy({ equality: ['_id'] }, rec.indexes())?.options.name).toBe('_id_');
  });

  it('when a copy may take over claims ending by a later time, then the filter says that time', async () => {
    expect(await store.claim(delivery.id, 2, CLAIM_UNTIL, at(17))).toBe('claimed');
    expect(onlyCommand(rec.on('webhook_deliveries')).args.slice(0, 2)).toEqual([
      {
        _id: delivery.id,
        status: 'pending',
        attempts: 2,
        $or: [{ claimed_until: null }, { claimed_until: { $lte: at(17) } }],
      },
      { $set: { claimed_until: CLAIM_UNTIL } },
    ]);
  });

  it('when the claim matches nothing, then one read by _id of status, attempts and claim says why', async () => {
    rec.answer('webhook_deliveries', 'updateOne', missed);
    rec.answer('webhook_deliveries', 'findOne', {
      _id: delivery.id,
      status: 'pending',
      attempts: 2,
      claimed_until: CLAIM_UNTIL,
    });
    expect(await store.claim(delivery.id, 2, CLAIM_UNTIL, T0)).toBe('busy');
    expect(trail()).toEqual(['webhook_deliveries.updateOne', 'webhook_deliveries.findOne']);
    const read = rec.on('webhook_deliveries', 'findOne')[0]!;
    expect(read.args[0]).toEqual({ _id: delivery.id });
    expect(read.args[1]).toMatchObject({ projection: { status: 1, attempts: 1, claimed_until: 1 } });
  });

  it.each([
    { found: 'no document', doc: null, expected: 'missing' },
    { found: 'a delivered one', doc: { status: 'delivered', attempts: 2 }, expected: 'stale' },
    { found: 'a given-up one', doc: { status: 'failed', attempts: 2 }, expected: 'stale' },
    { found: 'more attempts made', doc: { status: 'pending', attempts: 3 }, expected: 'stale' },
    // The log is behind the job: its outcome is not written yet.
    { found: 'fewer attempts made', doc: { status: 'pending', attempts: 1 }, expected: 'busy' },
    { found: 'a standing claim', doc: { status: 'pending', attempts: 2 }, expected: 'busy' },
  ])('when the read finds $found, then the claim is $expected', async ({ doc, expected }) => {
    rec.answer('webhook_deliveries', 'updateOne', missed);
    rec.answer('webhook_deliveries', 'findOne', doc && { _id: delivery.id, claimed_until: CLAIM_UNTIL, ...doc });
    expect(await store.claim(delivery.id, 2, CLAIM_UNTIL, T0)).toBe(expected);
  });
});

describe('calendar owners', () => {
  it("when an owner is remembered, then one upsert by the calendar's id sets its user", async () => {
    await store.rememberOwner(CAL, USER);
    const command = onlyCommand(rec.on('webhook_calendar_owners'));
    expect(command.method).toBe('updateOne');
    expect(command.args.slice(0, 2)).toEqual([{ _id: CAL }, { $set: { user_id: USER } }]);
    expect(command.args[2]).toMatchObject({ upsert: true });
  });

  it("when an owner is asked, then one point read by the calendar's id answers its user, or null", async () => {
    rec.answer('webhook_calendar_owners', 'findOne', { _id: CAL, user_id: USER });
    expect(await store.knownOwner(CAL)).toBe(USER);
    expect(await store.knownOwner(OTHER_CAL)).toBeNull();
    const reads = rec.on('webhook_calendar_owners');
    expect(reads.map((c) => [c.method, c.args[0]])).toEqual([
      ['findOne', { _id: CAL }],
      ['findOne', { _id: OTHER_CAL }],
    ]);
  });
});
