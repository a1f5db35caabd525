import type { Envelope, MessageType } from '@slotkeeper/contracts';
import type { Logger } from '@slotkeeper/observability';
import {
  saneRequestId,
  type MessageBus,
  type MessageHandler,
  type PublishOptions,
  type SubscribeOptions,
} from './bus.js';
import {
  workQueueOptions,
  type Job,
  type JobHandler,
  type JobOutcome,
  type WorkQueueOptions,
  type WorkQueues,
} from './work-queue.js';

const SEEN_IDS_KEPT = 100_000;

interface Queue {
  types: ReadonlySet<string>;
  handler: MessageHandler;
  seen: Set<string>;
  /** The last delivery: each queue receives its messages one at a time, in publish order. */
  tail: Promise<void>;
}

/** A work queue: its jobs as JSON (each handler gets a copy of its own), due now or on a timer. */
interface JobQueue {
  delaysMs: ReadonlySet<number>;
  concurrency: number;
  handler: JobHandler;
  /** Jobs due now, in order, each with the attempt it is on (2 and more after its handler threw). */
  due: Array<{ wire: string; attempt: number }>;
  /** Jobs whose handler is running. */
  running: number;
}

/** How long `close` waits for the handlers under way unless told (see `InProcessBusOptions`). */
const CLOSE_TIMEOUT_MS = 15_000;

/** What the bus gave up on: a message a consumer kept failing, or a job a handler kept throwing on. */
export type DeadLetter =
  { queue: string; message: Envelope; error: string } | { queue: string; job: Job; error: string };

export interface InProcessBusOptions {
  logger: Logger;
  /** Deliveries per message, or per job, before it is parked in the dead-letter list. */
  maxAttempts?: number;
  /** How long a job whose handler threw waits before it is handled again (1 s). */
  retryDelayMs?: number;
  /** How long `close` waits for the handlers under way (15 s) before it lets them go on unwatched. */
  closeTimeoutMs?: number;
}

/**
 * The bus of the embedded mode. `publish` resolves once every bound queue has handled the
 * message, so one process is read-your-writes consistent. A failing consumer is retried and then
 * dead-lettered; its failure never reaches the publisher, as with a real broker.
 *
 * Its work queues are the opposite: `enqueueJob` returns once the job is queued, never waiting on
 * a handler (a booking must not wait on a webhook's POST), and the waits are timers, which
 * `close` clears along with every job not yet started, once the jobs under way have finished.
 */
export class InProcessBus implements MessageBus, WorkQueues {
  private readonly queues = new Map<string, Queue>();
  private broadcasts = 0;
  readonly deadLetters: DeadLetter[] = [];
  private readonly maxAttempts: number;
  private readonly jobQueues = new Map<string, JobQueue>();
  /** Jobs waiting on a delay or a retry. */
  private readonly timers = new Set<NodeJS.Timeout>();
  /** Handlers under way: jobs, and each queue's current delivery. */
  private readonly running = new Set<Promise<void>>();
  private idleWaiters: Array<() => void> = [];
  private closed = false;

  constructor(private readonly options: InProcessBusOptions) {
    this.maxAttempts = options.maxAttempts ?? 3;
  }

  async publish(message: Envelope, options: PublishOptions = {}): Promise<void> {
    // Copy as a broker would: consumers must not share objects with the publisher.
    if (this.closed) return;
    const wire = JSON.stringify(message);
    // Checked as a broker's consumer checks a header: it came from another service.
    const requestId = saneRequestId(options.requestId);
    const deliveries = [...this.queues.entries()]
      .filter(([, queue]) => queue.types.has(message.type))
      .map(
        ([name, queue]) =>
          (queue.tail = queue.tail.then(() =>
            this.track(this.deliver(name, queue, JSON.parse(wire) as Envelope, requestId)),
          )),
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

  async consumeJobs(queue: string, options: WorkQueueOptions, handler: JobHandler): Promise<void> {
    if (this.jobQueues.has(queue)) throw new Error(`the work queue ${queue} is consumed here already`);
    this.jobQueues.set(queue, { ...workQueueOptions(options), handler, due: [], running: 0 });
  }

  async enqueueJob(queue: string, job: Job, { delayMs }: { delayMs?: number } = {}): Promise<void> {
    const jobs = this.jobQueues.get(queue);
    if (!jobs) throw new Error(`the work queue ${queue} is not declared: consume it (consumeJobs) before enqueueing`);
    if (delayMs !== undefined) checkDelay(queue, jobs, delayMs);
    // Copied now, as a broker would: the caller may change its object afterwards.
    this.queueJob(queue, jobs, JSON.stringify(job), 1, delayMs ?? 0);
  }

  /** Resolves once no job is running, due or waiting on a timer (for tests). */
  jobsIdle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Stops taking work (a message published from now on reaches no queue, one queued behind another
   * is dropped, no job starts), waits up to `timeoutMs` for the handlers under way, then clears
   * every timer and drops the jobs not started: nothing here outlives the process anyway.
   */
  async close(timeoutMs = this.options.closeTimeoutMs ?? CLOSE_TIMEOUT_MS): Promise<void> {
    this.closed = true;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
    const drained = (async () => {
      while (this.running.size > 0) await Promise.all(this.running);
    })();
    await Promise.race([drained, late]);
    clearTimeout(timer);
    if (this.running.size > 0) {
      this.options.logger.warn({ running: this.running.size }, 'handlers still running at close; left to finish alone');
    }
    this.queues.clear();
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const jobs of this.jobQueues.values()) jobs.due.length = 0;
    this.jobQueues.clear();
    this.settleIdle();
  }

  /** Counts a handler as under way until it settles (`work` never rejects). */
  private track(work: Promise<void>): Promise<void> {
    this.running.add(work);
    void work.finally(() => this.running.delete(work));
    return work;
  }

  private queueJob(queue: string, jobs: JobQueue, wire: string, attempt: number, delayMs: number): void {
    if (this.closed) return;
    if (delayMs <= 0) {
      jobs.due.push({ wire, attempt });
      return this.startJobs(queue, jobs);
    }
    // Node's timers may fire a millisecond early (they count from the event loop's cached time):
    // a wait that has not quite run out is armed again for the rest, so no job comes out early.
    const dueAt = performance.now() + delayMs;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.queueJob(queue, jobs, wire, attempt, dueAt - performance.now());
    }, delayMs);
    this.timers.add(timer);
  }

  private startJobs(queue: string, jobs: JobQueue): void {
    while (!this.closed && jobs.running < jobs.concurrency && jobs.due.length > 0) {
      const next = jobs.due.shift()!;
      jobs.running++;
      void this.track(this.runJob(queue, jobs, next.wire, next.attempt)).finally(() => {
        jobs.running--;
        this.startJobs(queue, jobs);
        this.settleIdle();
      });
    }
  }

  /** One attempt; logs the queue, the job id and the outcome, never the job. */
  private async runJob(queue: string, jobs: JobQueue, wire: string, attempt: number): Promise<void> {
    const job = JSON.parse(wire) as Job;
    let outcome: JobOutcome;
    try {
      outcome = await jobs.handler(job, { redelivered: attempt > 1 });
      if (outcome.kind === 'retry') checkDelay(queue, jobs, outcome.delayMs);
    } catch (error) {
      const where = { queue, jobId: job.id, attempt, err: error };
      if (attempt < this.maxAttempts) {
        this.options.logger.warn(where, 'job handler failed; the job will be handled again');
        return this.queueJob(queue, jobs, wire, attempt + 1, this.options.retryDelayMs ?? 1_000);
      }
      const reason = error instanceof Error ? error.message : String(error);
      this.deadLetters.push({ queue, job, error: reason });
      this.options.logger.error(where, 'job dead-lettered');
      return;
    }
    this.options.logger.debug({ queue, jobId: job.id, outcome: outcome.kind }, 'job handled');
    if (outcome.kind === 'retry') this.queueJob(queue, jobs, JSON.stringify(outcome.job), 1, outcome.delayMs);
  }

  private isIdle(): boolean {
    if (this.timers.size > 0) return false;
    for (const jobs of this.jobQueues.values()) if (jobs.running > 0 || jobs.due.length > 0) return false;
    return true;
  }

  private settleIdle(): void {
    if (this.idleWaiters.length === 0 || !this.isIdle()) return;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  private async deliver(name: string, queue: Queue, message: Envelope, requestId?: string): Promise<void> {
    if (this.closed || queue.seen.has(message.id)) return;
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

function checkDelay(queue: string, jobs: JobQueue, delayMs: number): void {
  if (!jobs.delaysMs.has(delayMs)) {
    throw new Error(
      `the work queue ${queue} has no delay of ${delayMs} ms (declared: ${[...jobs.delaysMs].join(', ')})`,
    );
  }
}
