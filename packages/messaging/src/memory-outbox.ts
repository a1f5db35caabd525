import type { Envelope } from '@slotkeeper/contracts';
import type { OutboxStore, PendingMessage } from './outbox.js';

/** The outbox of an in-memory store: the owning adapter enqueues in the same step as its write. */
export class MemoryOutbox implements OutboxStore {
  private readonly entries = new Map<string, Array<{ pending: PendingMessage; writtenAt: number }>>();

  /** `requestId`: the request whose write these messages announce. */
  enqueue(aggregateId: string, messages: Envelope[], requestId?: string): void {
    if (messages.length === 0) return;
    // Copies of its own, handed out as they are: the relay and the buses only serialize them.
    const added = messages.map((message) => ({
      pending: { message: structuredClone(message), ...(requestId && { requestId }) },
      writtenAt: Date.now(),
    }));
    this.entries.set(aggregateId, [...(this.entries.get(aggregateId) ?? []), ...added]);
  }

  async pendingFor(aggregateId: string): Promise<PendingMessage[]> {
    return (this.entries.get(aggregateId) ?? []).map((entry) => entry.pending);
  }

  async aggregatesWithPending(before: Date, limit: number): Promise<string[]> {
    return [...this.entries.entries()]
      .filter(([, entries]) => entries.some((entry) => entry.writtenAt <= before.getTime()))
      .slice(0, limit)
      .map(([aggregateId]) => aggregateId);
  }

  async markPublished(aggregateId: string, messageIds: string[]): Promise<void> {
    const remaining = (this.entries.get(aggregateId) ?? []).filter(
      (entry) => !messageIds.includes(entry.pending.message.id),
    );
    if (remaining.length > 0) this.entries.set(aggregateId, remaining);
    else this.entries.delete(aggregateId);
  }
}
