import type { Job, WorkQueues } from '@slotkeeper/messaging';
import type { Logger } from '@slotkeeper/observability';
import {
  deliveryJob,
  runAttempt,
  type AttemptResult,
  type DeliveryDeps,
  type DeliveryQueue,
} from '../domain/delivery-use-cases.js';

/** The work queue of deliveries (namespaced by AMQP_PREFIX in the distributed mode). */
export const DELIVERY_QUEUE = 'webhook.deliver';

/** Attempts one instance has under way at once (the work queue's prefetch). */
export const DELIVERY_CONCURRENCY = 64;
/**
 * Attempts one instance has under way at once for one webhook: an endpoint that hangs holds at
 * most these of the instance's attempts for their 10 s, not all of them, so the other owners'
 * deliveries go on.
 */
export const ATTEMPTS_PER_WEBHOOK = 8;
/**
 * How long a job over its webhook's share waits here for a place before it goes back to the queue:
 * a fast endpoint frees one in milliseconds, so a burst for one webhook is sent at once; an
 * endpoint that hangs frees none, so its jobs leave the instance's places to others within this.
 */
export const PLACE_WAIT_MS = 500;

/**
 * Places per key (a webhook), at most `size` taken at once; a taker over that waits in line for
 * at most `waitMs`, then gives up. Each instance keeps its own.
 */
class Places {
  private readonly taken = new Map<string, number>();
  private readonly waiting = new Map<string, Array<(got: boolean) => void>>();

  constructor(
    private readonly size: number,
    private readonly waitMs: number,
  ) {}

  take(key: string): Promise<boolean> {
    const taken = this.taken.get(key) ?? 0;
    if (taken < this.size) {
      this.taken.set(key, taken + 1);
      return Promise.resolve(true);
    }
    return new Promise((resolve) => {
      const line = this.waiting.get(key) ?? [];
      this.waiting.set(key, line);
      const timer = setTimeout(() => {
        line.splice(line.indexOf(given), 1);
        if (line.length === 0) this.waiting.delete(key);
        resolve(false);
      }, this.waitMs);
      const given = (got: boolean) => {
        clearTimeout(timer);
        resolve(got);
      };
      line.push(given);
    });
  }

  /** Gives the place to the first in line, or frees it. */
  give(key: string): void {
    const line = this.waiting.get(key);
    const next = line?.shift();
    if (line?.length === 0) this.waiting.delete(key);
    if (next) return next(true);
    const left = this.taken.get(key)! - 1;
    if (left === 0) this.taken.delete(key);
    else this.taken.set(key, left);
  }
}

/** The domain's queue of deliveries over a work queue of the bus. */
export const deliveryQueue = (jobs: WorkQueues, queue: string): DeliveryQueue => ({
  enqueue: (job, delayMs) => jobs.enqueueJob(queue, job, delayMs === undefined ? {} : { delayMs }),
});

/**
 * Consumes the deliveries' work queue: each job is one attempt (`runAttempt`), finished when it
 * returns (a retry is a new job on the wait's delay queue, queued by the attempt itself), at most
 * `perWebhook` at once for one webhook (a job over it waits up to `PLACE_WAIT_MS` for a place,
 * then comes back after the first wait, not counted as an attempt). When the
 * attempt cannot run (the store is down), the job is queued again after the first wait, whatever
 * the broker's delivery limit, so an outage of any length loses nothing; only when even that
 * fails (the broker is gone too) does the job go back to the broker unacknowledged. A job that is
 * not a delivery (another version's shape, during a rolling deploy) is refused, so the broker
 * parks it in the queue's `.dead` after its delivery limit, kept for a look and a replay. Logged
 * per attempt: the delivery's id, the endpoint's origin, the outcome, why it failed (a status, or
 * the client's method-and-origin message) and the time it took; never a body, a header or a path.
 */
export async function consumeDeliveries(
  jobs: WorkQueues,
  queue: string,
  deps: DeliveryDeps,
  logger: Logger,
  { concurrency = DELIVERY_CONCURRENCY, perWebhook = ATTEMPTS_PER_WEBHOOK, placeWaitMs = PLACE_WAIT_MS } = {},
): Promise<void> {
  const places = new Places(perWebhook, placeWaitMs);
  await jobs.consumeJobs(queue, { delaysMs: deps.retryDelaysMs, concurrency }, async (raw: Job, { redelivered }) => {
    const job = deliveryJob.parse(raw);
    const started = performance.now();
    const where = {
      deliveryId: job.id,
      webhookId: job.webhook_id,
      origin: originOf(job.url),
      attempt: job.attempts + 1,
    };
    if (!(await places.take(job.webhook_id))) {
      // Not an attempt: the job comes back after the first wait, when the endpoint may have answered.
      await deps.queue.enqueue(job, deps.retryDelaysMs[0]);
      logger.info({ ...where, outcome: 'postponed' }, 'webhook attempt');
      return { kind: 'done' };
    }
    let result: AttemptResult;
    try {
      result = await runAttempt(deps, job, { redelivered });
    } catch (error) {
      logger.warn({ ...where, err: error }, 'webhook attempt could not run; the job is queued again');
      await deps.queue.enqueue(job, deps.retryDelaysMs[0]);
      return { kind: 'done' };
    } finally {
      places.give(job.webhook_id);
    }
    logger.info(
      {
        ...where,
        ...(redelivered && { redelivered }),
        outcome: result.kind,
        ...('statusCode' in result && { statusCode: result.statusCode, error: result.error }),
        ...('logged' in result && !result.logged && { logged: false }),
        ms: Math.round(performance.now() - started),
      },
      'webhook attempt',
    );
    return { kind: 'done' };
  });
}

const originOf = (url: string): string => {
  try {
    return new URL(url).origin;
  } catch {
    return 'unknown';
  }
};
