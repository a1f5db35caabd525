import type { Envelope, MessageType } from '@slotkeeper/contracts';
import type { Logger } from '@slotkeeper/observability';
import {
  saneRequestId,
  type MessageBus,
  type MessageHandler,
  type PublishOptions,
  type SubscribeOptions,
} from './bus.js';

const SEEN_IDS_KEPT = 100_000;

interface Queue {
  types: ReadonlySet<string>;
  handler: MessageHandler;
  seen: Set<string>;
  /** The last delivery: each queue receives its messages one at a time, in publish order. */
  tail: Promise<void>;
}

export interface InProcessBusOptions {
  logger: Logger;
  /** Deliveries per message before it is parked in the dead-letter list. */
  maxAttempts?: number;
}

/**
 * The bus of the embedded mode. `publish` resolves once every bound queue has handled the
 * message, so one process is read-your-writes consistent. A failing consumer is retried and then
 * dead-lettered; its failure never reaches the publisher, as with a real broker.
 */
export class InProcessBus implements MessageBus {
  private readonly queues = new Map<string, Queue>();
  private broadcasts = 0;
  readonly deadLetters: Array<{ queue: string; message: Envelope; error: string }> = [];
  private readonly maxAttempts: number;

  constructor(private readonly options: InProcessBusOptions) {
    this.maxAttempts = options.maxAttempts ?? 3;
  }

  async publish(message: Envelope, options: PublishOptions = {}): Promise<void> {
    // Copy as a broker would: consumers must not share objects with the publisher.
    const wire = JSON.stringify(message);
    // Checked as a broker's consumer checks a header: it came from another service.
    const requestId = saneRequestId(options.requestId);
    const deliveries = [...this.queues.entries()]
      .filter(([, queue]) => queue.types.has(message.type))
      .map(
        ([name, queue]) =>
          (queue.tail = queue.tail.then(() => this.deliver(name, queue, JSON.parse(wire) as Envelope, requestId))),
      );
    await Promise.all(deliveries);
  }

  /**
   * One process holds one instance of each service, so a queue already reaches every instance;
   * a broadcast subscription gets a queue of its own all the same, so several subscribers of one
   * name (two gateways on one bus, in a test) each hear every message.
   */
  async subscribe(
    queue: string,
    types: readonly MessageType[],
    handler: MessageHandler,
    options: SubscribeOptions = {},
  ): Promise<void> {
    const name = options.broadcast ? `${queue}#${++this.broadcasts}` : queue;
    this.queues.set(name, { types: new Set(types), handler, seen: new Set(), tail: Promise.resolve() });
  }

  async close(): Promise<void> {
    this.queues.clear();
  }

  private async deliver(name: string, queue: Queue, message: Envelope, requestId?: string): Promise<void> {
    if (queue.seen.has(message.id)) return;
    let lastError: unknown;
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      try {
        await queue.handler(message, requestId ? { requestId, attempt } : { attempt });
        queue.seen.add(message.id);
        // Duplicates arrive close together; remembering the latest ids bounds the memory.
        if (queue.seen.size > SEEN_IDS_KEPT) queue.seen.delete(queue.seen.values().next().value!);
        return;
      } catch (error) {
        lastError = error;
      }
    }
    const reason = lastError instanceof Error ? lastError.message : String(lastError);
    this.deadLetters.push({ queue: name, message, error: reason });
    this.options.logger.error(
      {
        ...(requestId && { reqId: requestId }),
        queue: name,
        messageId: message.id,
        type: message.type,
        err: lastError,
      },
      'message dead-lettered',
    );
  }
}
