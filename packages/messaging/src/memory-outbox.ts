import type { Envelope } from '@slotkeeper/contracts';
import type { OutboxStore } from './outbox.js';

/** The outbox of an in-memory store: the owning adapter enqueues in the same step as its write. */
export class MemoryOutbox implements OutboxStore {
  private readonly entries = new Map<string, Array<{ message: Envelope; writtenAt: number }>>();

  enqueue(aggregateId: string, messages: Envelope[]): void {
    if (messages.length === 0) return;
    const added = messages.map((message) => ({ message: structuredClone(message), writtenAt: Date.now() }));
    this.entries.set(aggregateId, [...(this.entries.get(aggregateId) ?? []), ...added]);
  }

  async pendingFor(aggregateId: string): Promise<Envelope[]> {
    return (this.entries.get(aggregateId) ?? []).map((entry) => structuredClone(entry.message));
  }

  async aggregatesWithPending(before: Date, limit: number): Promise<string[]> {
    return [...this.entries.entries()]
      .filter(([, entries]) => entries.some((entry) => entry.writtenAt <= before.getTime()))
      .slice(0, limit)
      .map(([aggregateId]) => aggregateId);
  }

  async markPublished(aggregateId: string, messageIds: string[]): Promise<void> {
    const remaining = (this.entries.get(aggregateId) ?? []).filter((entry) => !messageIds.includes(entry.message.id));
    if (remaining.length > 0) this.entries.set(aggregateId, remaining);
    else this.entries.delete(aggregateId);
  }
}
