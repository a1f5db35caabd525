import type { WebhookEventType } from '@slotkeeper/contracts';
import type { Delivery, DeliveryUpdate } from '../../domain/delivery.js';
import type { WebhookStore } from '../../domain/ports.js';
import { matches, type WebhookSubscription } from '../../domain/webhook.js';

const byCreation = (a: WebhookSubscription, b: WebhookSubscription) =>
  a.createdAt.getTime() - b.createdAt.getTime() || a.id.localeCompare(b.id);
const newestFirst = (a: Delivery, b: Delivery) =>
  b.createdAt.getTime() - a.createdAt.getTime() || b.id.localeCompare(a.id);

/** Webhooks and their deliveries in this process's memory (the embedded mode); each method is one atomic step. */
export class MemoryWebhookStore implements WebhookStore {
  private readonly webhooks = new Map<string, WebhookSubscription>();
  private readonly deliveries = new Map<string, Delivery>();

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

  async delete(userId: string, id: string): Promise<boolean> {
    if (this.webhooks.get(id)?.userId !== userId) return false;
    this.webhooks.delete(id);
    for (const [key, delivery] of this.deliveries) if (delivery.webhookId === id) this.deliveries.delete(key);
    return true;
  }

  async matching(userId: string, eventType: WebhookEventType, calendarId: string): Promise<WebhookSubscription[]> {
    return (await this.listByUser(userId)).filter((w) => matches(w, eventType, calendarId));
  }

  async record(delivery: Delivery): Promise<boolean> {
    if (this.deliveries.has(delivery.id)) return false;
    this.deliveries.set(delivery.id, structuredClone(delivery));
    return true;
  }

  async findDelivery(id: string): Promise<Delivery | null> {
    const delivery = this.deliveries.get(id);
    return delivery ? structuredClone(delivery) : null;
  }

  async update(id: string, update: DeliveryUpdate): Promise<boolean> {
    const delivery = this.deliveries.get(id);
    if (!delivery) return false;
    this.deliveries.set(id, { ...delivery, ...structuredClone(update) });
    return true;
  }

  async listByWebhook(webhookId: string, limit: number): Promise<Delivery[]> {
    return [...this.deliveries.values()]
      .filter((d) => d.webhookId === webhookId)
      .sort(newestFirst)
      .slice(0, limit)
      .map((d) => structuredClone(d));
  }
}
