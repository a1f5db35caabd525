import type { WebhookEventType } from '@slotkeeper/contracts';
import {
  CountGuard,
  inTransaction,
  isDuplicateKeyError,
  modelOn,
  mongoose,
  required,
  schemaOptions,
} from '@slotkeeper/mongo';
import type { Connection } from 'mongoose';
import type { Delivery, DeliveryUpdate } from '../../domain/delivery.js';
import { DELIVERY_LOG_DAYS, type ClaimResult, type WebhookStanding, type WebhookStore } from '../../domain/ports.js';
import type { WebhookSubscription } from '../../domain/webhook.js';
import {
  toDelivery,
  toDeliveryDoc,
  toUpdateFields,
  toWebhook,
  toWebhookDoc,
  type CalendarOwnerDoc,
  type DeliveryDoc,
  type WebhookDoc,
} from './webhook-documents.js';

const webhookSchema = new mongoose.Schema<WebhookDoc>(
  {
    _id: required(String),
    user_id: required(String),
    url: required(String),
    events: { type: [String], required: true },
    calendar_ids: { type: [String], default: [] },
    sealed_secret: required(String),
    created_at: required(Date),
  },
  { ...schemaOptions, collection: 'webhooks' },
);
// A user's list, in its order, and the webhooks a change of theirs matches.
webhookSchema.index({ user_id: 1, created_at: 1, _id: 1 }, { name: 'by_user' });

const deliverySchema = new mongoose.Schema<DeliveryDoc>(
  {
    _id: required(String),
    webhook_id: required(String),
    user_id: required(String),
    type: required(String),
    event_id: required(String),
    message_id: required(String),
    body: required(String),
    status: required(String),
    attempts: required(Number),
    last_status_code: { type: Number, default: null },
    last_error: { type: String, default: null },
    next_attempt_at: { type: Date, default: null },
    created_at: required(Date),
    claimed_until: { type: Date, default: null },
  },
  { ...schemaOptions, collection: 'webhook_deliveries' },
);
// A webhook's log, newest first (and what its deletion removes).
deliverySchema.index({ webhook_id: 1, created_at: -1, _id: -1 }, { name: 'by_webhook' });
// The log's age limit: MongoDB's TTL monitor removes a delivery DELIVERY_LOG_DAYS after its creation.
deliverySchema.index({ created_at: 1 }, { name: 'log_expiry', expireAfterSeconds: DELIVERY_LOG_DAYS * 86_400 });

// Read and written by _id only: no index beside _id_.
const ownerSchema = new mongoose.Schema<CalendarOwnerDoc>(
  { _id: required(String), user_id: required(String) },
  { ...schemaOptions, collection: 'webhook_calendar_owners' },
);

export class MongoWebhookStore implements WebhookStore {
  private readonly webhooks: mongoose.Model<WebhookDoc>;
  private readonly deliveries: mongoose.Model<DeliveryDoc>;
  /** One document per user that has webhooks (`webhook_users`): the per-user limit holds. */
  private readonly guard: CountGuard;
  private readonly owners: mongoose.Model<CalendarOwnerDoc>;

  constructor(private readonly connection: Connection) {
    this.webhooks = modelOn(connection, 'Webhook', webhookSchema);
    this.deliveries = modelOn(connection, 'WebhookDelivery', deliverySchema);
    this.guard = new CountGuard(connection, 'WebhookUser', 'webhook_users');
    this.owners = modelOn(connection, 'WebhookCalendarOwner', ownerSchema);
  }

  async init(): Promise<void> {
    await Promise.all([this.webhooks.init(), this.deliveries.init(), this.guard.init(), this.owners.init()]);
  }

  async create(webhook: WebhookSubscription, max: number): Promise<boolean> {
    return this.guard.insertWithin(
      this.webhooks,
      webhook.userId,
      { user_id: webhook.userId },
      toWebhookDoc(webhook),
      max,
    );
  }

  async find(id: string): Promise<WebhookSubscription | null> {
    const doc = await this.webhooks.findById(id).lean<WebhookDoc>();
    return doc ? toWebhook(doc) : null;
  }

  async listByUser(userId: string): Promise<WebhookSubscription[]> {
    const docs = await this.webhooks.find({ user_id: userId }).sort({ created_at: 1, _id: 1 }).lean<WebhookDoc[]>();
    return docs.map(toWebhook);
  }

  /**
   * The webhook and its log in one transaction: no log is left behind without its webhook.
   * `tombstoneUntil` is ignored here: this store does not forget, so a webhook it does not hold
   * stands deleted (see `standing`) for as long as any retry of it may come, with no tombstone.
   */
  async delete(userId: string, id: string, _tombstoneUntil: Date): Promise<boolean> {
    return inTransaction(this.connection, async (session) => {
      const result = await this.webhooks.deleteOne({ _id: id, user_id: userId }, { session });
      if (result.deletedCount === 0) return false;
      await this.deliveries.deleteMany({ webhook_id: id }, { session });
      return true;
    });
  }

  /** Live while the webhook is held, deleted otherwise: never unknown (the time does not matter). */
  async standing(id: string, _now: Date): Promise<WebhookStanding> {
    return (await this.webhooks.exists({ _id: id })) !== null ? 'live' : 'deleted';
  }

  async matching(userId: string, eventType: WebhookEventType, calendarId: string): Promise<WebhookSubscription[]> {
    const docs = await this.webhooks
      .find({ user_id: userId, events: eventType, $or: [{ calendar_ids: { $size: 0 } }, { calendar_ids: calendarId }] })
      .sort({ created_at: 1, _id: 1 })
      .lean<WebhookDoc[]>();
    return docs.map(toWebhook);
  }

  async record(delivery: Delivery): Promise<boolean> {
    try {
      await this.deliveries.create([toDeliveryDoc(delivery)]);
      return true;
    } catch (error) {
      // The same message again (the broker redelivers): its delivery stands as it is.
      if (isDuplicateKeyError(error)) return false;
      throw error;
    }
  }

  async findDelivery(id: string): Promise<Delivery | null> {
    const doc = await this.deliveries.findById(id).lean<DeliveryDoc>();
    return doc ? toDelivery(doc) : null;
  }

  /**
   * One conditional write: the claim is taken only when the delivery is pending with exactly
   * `attempts` made and no claim stands (a document written before claims existed has no
   * `claimed_until`, which `null` matches). Only when it fails is the document read, to say why;
   * it may have moved on between the two, which the next copy of the job sees.
   */
  async claim(id: string, attempts: number, until: Date, freeBefore: Date): Promise<ClaimResult> {
    const result = await this.deliveries.updateOne(
      { _id: id, status: 'pending', attempts, $or: [{ claimed_until: null }, { claimed_until: { $lte: freeBefore } }] },
      { $set: { claimed_until: until } },
    );
    if (result.matchedCount > 0) return 'claimed';
    const doc = await this.deliveries
      .findOne({ _id: id }, { status: 1, attempts: 1, claimed_until: 1 })
      .lean<Pick<DeliveryDoc, 'status' | 'attempts' | 'claimed_until'>>();
    if (!doc) return 'missing';
    if (doc.status !== 'pending' || doc.attempts > attempts) return 'stale';
    return 'busy';
  }

  /** Written only over the attempts the outcome follows, and releasing the claim in the same write. */
  async update(id: string, attempts: number, update: DeliveryUpdate): Promise<boolean> {
    const result = await this.deliveries.updateOne(
      { _id: id, attempts },
      { $set: { ...toUpdateFields(update), claimed_until: null } },
    );
    return result.matchedCount > 0;
  }

  async listByWebhook(webhookId: string, limit: number): Promise<Delivery[]> {
    const docs = await this.deliveries
      .find({ webhook_id: webhookId })
      .sort({ created_at: -1, _id: -1 })
      .limit(limit)
      .lean<DeliveryDoc[]>();
    return docs.map(toDelivery);
  }

  async rememberOwner(calendarId: string, userId: string): Promise<void> {
    await this.owners.updateOne({ _id: calendarId }, { $set: { user_id: userId } }, { upsert: true });
  }

  async knownOwner(calendarId: string): Promise<string | null> {
    const doc = await this.owners.findOne({ _id: calendarId }).lean<CalendarOwnerDoc>();
    return doc?.user_id ?? null;
  }
}
