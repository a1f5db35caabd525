import type { WebhookEventType } from '@slotkeeper/contracts';
import { systemClock, type Clock } from '@slotkeeper/time';
import type { Delivery, DeliveryUpdate } from '../../domain/delivery.js';
import {
  MEMORY_DELIVERIES_PER_WEBHOOK,
  type ClaimResult,
  type WebhookStanding,
  type WebhookStore,
} from '../../domain/ports.js';
import { matches, type WebhookSubscription } from '../../domain/webhook.js';

const byCreation = (a: WebhookSubscription, b: WebhookSubscription) =>
  a.createdAt.getTime() - b.createdAt.getTime() || a.id.localeCompare(b.id);
/** Whether `a` comes before `b` in a log: by creation, then id (compared as MongoDB compares strings). */
const olderThan = (a: Delivery, b: Delivery) =>
  a.createdAt.getTime() < b.createdAt.getTime() || (a.createdAt.getTime() === b.createdAt.getTime() && a.id < b.id);

/**
 * Webhooks, their deliveries and calendar owners in this process's memory (the embedded mode);
 * each method is one atomic step. Each webhook's log keeps its newest `MEMORY_DELIVERIES_PER_WEBHOOK`.
 * What a restart forgets makes `standing` answer `unknown`, except for a deleted webhook whose
 * tombstone still stands; `clock` only prunes tombstones whose time has passed.
 */
export class MemoryWebhookStore implements WebhookStore {
  private readonly webhooks = new Map<string, WebhookSubscription>();
  private readonly deliveries = new Map<string, Delivery>();
  /** Each webhook's deliveries, oldest first (by creation, then id): the order of its log and of its bound. */
  private readonly logs = new Map<string, Delivery[]>();
  /** Deleted webhooks' ids, until when their tombstones stand (ms since the epoch). */
  private readonly tombstones = new Map<string, number>();
  /** Deliveries whose next attempt a worker claimed, until when (ms since the epoch); none: unclaimed. */
  private readonly claims = new Map<string, number>();
  /** Calendar id to owner id. Unbounded: one small entry per calendar that ever had a change. */
  private readonly owners = new Map<string, string>();

  constructor(private readonly clock: Clock = systemClock) {}

  async create(webhook: WebhookSubscription, max: number): Promise<boolean> {
    if (this.webhooks.has(webhook.id)) throw new Error(`webhook ${webhook.id} exists already`);
    if ([...this.webhooks.values()].filter((w) => w.userId === webhook.userId).length >= max) return false;
    this.webhooks.set(webhook.id, structuredClone(webhook));
    return true;
  }

  async find(id: string): Promise<WebhookSubscription | null> {
    const webhook = this.webhooks.get(id);
    return webhook ? structuredClone(webhook) : null;
  }

  async listByUser(userId: string): Promise<WebhookSubscription[]> {
    return [...this.webhooks.values()]
      .filter((w) => w.userId === userId)
      .sort(byCreation)
      .map((w) => structuredClone(w));
  }

  async delete(userId: string, id: string, tombstoneUntil: Date): Promise<boolean> {
    if (this.webhooks.get(id)?.userId !== userId) return false;
    this.webhooks.delete(id);
    for (const delivery of this.logs.get(id) ?? []) this.forget(delivery.id);
    this.logs.delete(id);
    // Only deletes add tombstones, so pruning here keeps them to those still standing (or few more).
    const now = this.clock.now().getTime();
    for (const [key, until] of this.tombstones) if (until <= now) this.tombstones.delete(key);
    this.tombstones.set(id, tombstoneUntil.getTime());
    return true;
  }

  async standing(id: string, now: Date): Promise<WebhookStanding> {
    if (this.webhooks.has(id)) return 'live';
    const until = this.tombstones.get(id);
    return until !== undefined && until > now.getTime() ? 'deleted' : 'unknown';
  }

  async matching(userId: string, eventType: WebhookEventType, calendarId: string): Promise<WebhookSubscription[]> {
    return (await this.listByUser(userId)).filter((w) => matches(w, eventType, calendarId));
  }

  async record(delivery: Delivery): Promise<boolean> {
    if (this.deliveries.has(delivery.id)) return false;
    const stored = structuredClone(delivery);
    this.deliveries.set(stored.id, stored);
    let log = this.logs.get(stored.webhookId);
    if (!log) this.logs.set(stored.webhookId, (log = []));
    log.splice(insertionPoint(log, stored), 0, stored);
    // The oldest go (the one just recorded, when it is older than all the rest).
    if (log.length > MEMORY_DELIVERIES_PER_WEBHOOK) {
      for (const dropped of log.splice(0, log.length - MEMORY_DELIVERIES_PER_WEBHOOK)) this.forget(dropped.id);
    }
    return true;
  }

  async findDelivery(id: string): Promise<Delivery | null> {
    const delivery = this.deliveries.get(id);
    return delivery ? structuredClone(delivery) : null;
  }

  async claim(id: string, attempts: number, until: Date, freeBefore: Date): Promise<ClaimResult> {
    const delivery = this.deliveries.get(id);
    if (!delivery) return 'missing';
    if (delivery.status !== 'pending' || delivery.attempts > attempts) return 'stale';
    if (delivery.attempts < attempts) return 'busy';
    const held = this.claims.get(id);
    if (held !== undefined && held > freeBefore.getTime()) return 'busy';
    this.claims.set(id, until.getTime());
    return 'claimed';
  }

  async update(id: string, attempts: number, update: DeliveryUpdate): Promise<boolean> {
    const delivery = this.deliveries.get(id);
    if (delivery?.attempts !== attempts) return false;
    // In place: the log holds this same object, and neither its creation nor its id changes.
    Object.assign(delivery, structuredClone(update));
    this.claims.delete(id);
    return true;
  }

  async listByWebhook(webhookId: string, limit: number): Promise<Delivery[]> {
    const log = this.logs.get(webhookId) ?? [];
    return log
      .slice(Math.max(0, log.length - limit))
      .reverse()
      .map((d) => structuredClone(d));
  }

  async rememberOwner(calendarId: string, userId: string): Promise<void> {
    this.owners.set(calendarId, userId);
  }

  async knownOwner(calendarId: string): Promise<string | null> {
    return this.owners.get(calendarId) ?? null;
  }

  /** Drops a delivery and its claim (its log entry is the caller's). */
  private forget(id: string): void {
    this.deliveries.delete(id);
    this.claims.delete(id);
  }
}

/** Where `delivery` goes in `log` (oldest first): at the end in the usual case, a delivery newer than the last. */
function insertionPoint(log: readonly Delivery[], delivery: Delivery): number {
  let low = 0;
  let high = log.length;
  if (high === 0 || olderThan(log[high - 1]!, delivery)) return high;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (olderThan(log[middle]!, delivery)) low = middle + 1;
    else high = middle;
  }
  return low;
}
