import type { Envelope } from '@slotkeeper/contracts';
import type { OutboxStore, PendingMessage } from './outbox.js';

/** The outbox of an in-memory store: the owning adapter enqueues in the same step as its write. */
export class MemoryOutbox implements OutboxStore {
  private readonly entries = new Map<string, Array<{ pending: PendingMessage; writtenAt: number }>>();

  /** `requestId`: the request whose write these messages announce. */
  enqueue(aggregateId: string, messages: Envelope[], requestId?: string): void {
    if (messages.length === 0) return;
    // Stored frozen and handed out as they are: nothing downstream changes a message.
    const added = messages.map((message) => ({
      pending: deepFreeze({ message: structuredClone(message), ...(requestId && { requestId }) }),
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

/**
 * Freezes a value and everything inside it, for in-memory stores that hand out what they hold
 * instead of copies (a frozen Date can still be set; nothing here sets one).
 */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
