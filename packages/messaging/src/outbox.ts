import type { Envelope } from '@slotkeeper/contracts';
import type { Logger } from '@slotkeeper/observability';
import type { MessageBus } from './bus.js';

/** A pending message and, beside it (never in the envelope), the id of the request that caused it. */
export interface PendingMessage {
  message: Envelope;
  requestId?: string;
}

/**
 * Messages written in the same atomic write as the state change they announce, grouped by the
 * document (aggregate) that holds them, oldest first.
 */
export interface OutboxStore {
  pendingFor(aggregateId: string): Promise<PendingMessage[]>;
  /** Aggregates holding messages written at or before `before`: left behind by a crash or an outage. */
  aggregatesWithPending(before: Date, limit: number): Promise<string[]>;
  markPublished(aggregateId: string, messageIds: string[]): Promise<void>;
}

/** A store whose writes leave their messages in its outbox, which the relay reads. */
export interface WithOutbox {
  readonly outbox: OutboxStore;
}

/** What use cases call after a write: publish what that write (and any before it) left pending. */
export interface OutboxPublisher {
  flush(aggregateId: string): Promise<void>;
}

export interface OutboxRelayOptions {
  logger: Logger;
  /** How often the sweep looks for messages left behind. */
  sweepIntervalMs?: number;
  /** How old a pending message must be before the sweep takes it (the write's own flush goes first). */
  sweepAfterMs?: number;
}

/**
 * Publishes outbox messages: right after each write (`flush`), and from a periodic sweep for
 * what a crash or a broker outage left behind. At least once: a message is removed from the
 * outbox only after the bus confirmed it; consumers drop duplicates by message id.
 */
export class OutboxRelay implements OutboxPublisher {
  private timer: NodeJS.Timeout | undefined;
  private sweeping = false;
  /** Per aggregate: the flush running now, and at most one queued behind it. */
  private readonly flights = new Map<string, { current: Promise<void>; next?: Promise<void> }>();

  constructor(
    private readonly store: OutboxStore,
    private readonly bus: MessageBus,
    private readonly options: OutboxRelayOptions,
  ) {}

  /**
   * Publishes what the aggregate has pending. Concurrent callers share work: while one flush
   * runs, later callers share the one queued behind it, which starts after their writes and so
   * carries their messages. Never throws: a failure leaves the messages for the sweep.
   */
  flush(aggregateId: string): Promise<void> {
    const flight = this.flights.get(aggregateId);
    if (flight) return (flight.next ??= flight.current.then(() => this.flushOnce(aggregateId)));
    const current = this.flushOnce(aggregateId);
    this.flights.set(aggregateId, { current });
    void current.then(() => this.land(aggregateId));
    return current;
  }

  private land(aggregateId: string): void {
    const next = this.flights.get(aggregateId)?.next;
    if (!next) return void this.flights.delete(aggregateId);
    this.flights.set(aggregateId, { current: next });
    void next.then(() => this.land(aggregateId));
  }

  private async flushOnce(aggregateId: string): Promise<void> {
    try {
      const pending = await this.store.pendingFor(aggregateId);
      if (pending.length === 0) return;
      // Sent in the order written and confirmed together: the bus keeps each queue in order.
      await Promise.all(pending.map(({ message, requestId }) => this.bus.publish(message, { requestId })));
      await this.store.markPublished(
        aggregateId,
        pending.map((m) => m.message.id),
      );
    } catch (error) {
      this.options.logger.warn({ err: error, aggregateId }, 'outbox not flushed; the sweep will retry');
    }
  }

  /** Waits, at most `timeoutMs`, for the flushes under way: a graceful shutdown lets them land. */
  async drain(timeoutMs = 5_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (this.flights.size > 0 && Date.now() < until) {
      const flights = [...this.flights.values()].map((flight) => flight.next ?? flight.current);
      // The deadline's timer must not keep a process that is shutting down alive.
      await Promise.race([
        Promise.all(flights),
        new Promise((resolve) => setTimeout(resolve, until - Date.now()).unref()),
      ]);
    }
  }

  async sweep(): Promise<void> {
    if (this.sweeping) return;
    this.sweeping = true;
    try {
      const before = new Date(Date.now() - (this.options.sweepAfterMs ?? 2_000));
      for (const id of await this.store.aggregatesWithPending(before, 100)) await this.flush(id);
    } catch (error) {
      this.options.logger.warn({ err: error }, 'outbox sweep failed');
    } finally {
      this.sweeping = false;
    }
  }

  start(): void {
    this.timer ??= setInterval(() => void this.sweep(), this.options.sweepIntervalMs ?? 1_000);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** A graceful shutdown: no more sweeps, and the flushes under way land (at most `timeoutMs`). */
  async close(timeoutMs?: number): Promise<void> {
    this.stop();
    await this.drain(timeoutMs);
  }
}
