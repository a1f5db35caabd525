/**
 * Work queues with delayed retries: jobs a service gives itself, each handled by one instance,
 * and put back after a wait when the handler asks for it (`retry`), or queued after a wait by the
 * handler itself (`enqueueJob` with `delayMs`). The webhook service's deliveries are such jobs,
 * one per attempt; its worker queues each next attempt itself, before it logs the one just made,
 * and always answers `done`, since a `retry` would be queued only after the handler's own writes.
 *
 * On RabbitMQ (`AmqpBus`) the waits are held by the broker, so a restart of the service or of the
 * broker loses no job and forgets no wait: `<queue>` is a quorum queue, and each wait has its own
 * quorum queue `<queue>.delay.<ms>` whose `x-message-ttl` dead-letters the job back to `<queue>`
 * at least once (a classic queue's dead-lettering is at most once and lost jobs across a broker
 * restart: docs/research/webhooks.md). A job is acknowledged only after its handler returned and,
 * for a retry, after the broker confirmed the job's next copy: a crash in between delivers it
 * again, so a handler must be idempotent (the webhook's id is in the job).
 *
 * In one process (`InProcessBus`) the queue and its waits are timers: nothing survives a restart,
 * as with every in-memory store of the embedded mode.
 */

/** What a handler decides about one job. */
export type JobOutcome =
  /** Finished (done, or given up): the job leaves the queue. */
  | { kind: 'done' }
  /** Put `job` (the next attempt's copy) back after `delayMs`, one of the queue's declared delays. */
  | { kind: 'retry'; delayMs: number; job: Job };

/** A job: JSON, with an `id` that copies of one job share (a handler's duplicate guard keys on it). */
export interface Job {
  id: string;
  [field: string]: unknown;
}

export interface JobDelivery {
  /** The broker delivered this copy before (the last handler died or lost its channel before the ack). */
  redelivered: boolean;
}

/**
 * Handles one job. A throw is a failure of the handler's own dependencies (its store is down), not
 * of the job: the job is delivered again after a second and then parked in `<queue>.dead` after
 * the broker's delivery limit (20), never dropped. (In one process: after `maxAttempts`, into the
 * bus's `deadLetters`.) A `retry` asking for a delay the queue was not declared with counts as a throw.
 */
export type JobHandler = (job: Job, delivery: JobDelivery) => Promise<JobOutcome>;

export interface WorkQueueOptions {
  /** Every wait a retry may ask for, in whole milliseconds; each is a queue of its own on the broker. */
  delaysMs: readonly number[];
  /** Jobs one instance handles at once (64): the consumer's prefetch. */
  concurrency?: number;
}

export interface WorkQueues {
  /**
   * Declares `queue` and its delays, and handles its jobs here. A service consumes each of its work
   * queues once, before it enqueues to it. A delivery that is not a job (JSON with a string `id`)
   * is parked in `<queue>.dead` without reaching the handler.
   */
  consumeJobs(queue: string, options: WorkQueueOptions, handler: JobHandler): Promise<void>;
  /**
   * Adds a job to `queue`, to be handled now, or after `delayMs` (one of its declared delays).
   * Resolves once the job is safe (on RabbitMQ, once the broker confirmed it), never after its
   * handling: nothing waits on a handler. Throws for a queue not consumed here, or a delay it
   * was not declared with.
   */
  enqueueJob(queue: string, job: Job, options?: { delayMs?: number }): Promise<void>;
}

/** `consumeJobs`' options, checked, with their defaults (for the adapters). */
export function workQueueOptions({ delaysMs, concurrency = 64 }: WorkQueueOptions): {
  delaysMs: ReadonlySet<number>;
  concurrency: number;
} {
  for (const delayMs of delaysMs) {
    if (!Number.isSafeInteger(delayMs) || delayMs <= 0) {
      throw new Error(`a work queue's delay is a positive whole number of milliseconds, not ${delayMs}`);
    }
  }
  if (!Number.isSafeInteger(concurrency) || concurrency < 1) {
    throw new Error(`a work queue's concurrency is a positive whole number, not ${concurrency}`);
  }
  return { delaysMs: new Set(delaysMs), concurrency };
}
