import type { Job, WorkQueues } from '@slotkeeper/messaging';
import type { Logger } from '@slotkeeper/observability';
import { originOf } from '@slotkeeper/outbound-http';
import {
  deliveryJob,
  postpone,
  runAttempt,
  type AttemptResult,
  type DeliveryDeps,
  type DeliveryJob,
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
/** The same for all of one user's webhooks together (a user may have 20). */
export const ATTEMPTS_PER_USER = 16;
/**
 * How long a job over its webhook's share waits here for a place before it goes back to the queue:
 * a fast endpoint frees one in milliseconds, so a burst for one webhook is sent at once; an
 * endpoint that hangs frees none, so its jobs leave the instance's places to others within this.
 */
export const PLACE_WAIT_MS = 500;

/**
 * Places per key (a webhook, a user), at most `size` taken at once. A taker over that waits in
 * line for at most `waitMs` while places are being given back; when none was given back for
 * `waitMs` (an endpoint that hangs), it gives up at once rather than hold an instance's place in
 * vain. Each instance keeps its own.
 */
class Places {
  private readonly taken = new Map<string, number>();
  /** When each busy key last made progress: its first place taken, or a place given back. */
  private readonly lastGiven = new Map<string, number>();
  private readonly waiting = new Map<string, Array<(got: boolean) => void>>();

  constructor(
    private readonly size: number,
    private readonly waitMs: number,
  ) {}

  take(key: string): Promise<boolean> {
    const taken = this.taken.get(key) ?? 0;
    if (taken < this.size) {
      // The first place taken starts the clock of progress, as a place given back does.
      if (taken === 0) this.lastGiven.set(key, performance.now());
      this.taken.set(key, taken + 1);
      return Promise.resolve(true);
    }
    if (performance.now() - this.lastGiven.get(key)! > this.waitMs) return Promise.resolve(false);
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
    if (next) {
      this.lastGiven.set(key, performance.now());
      return next(true);
    }
    const left = this.taken.get(key)! - 1;
    if (left === 0) {
      this.taken.delete(key);
      this.lastGiven.delete(key);
    } else {
      this.taken.set(key, left);
      this.lastGiven.set(key, performance.now());
    }
  }
}

/** The domain's queue of deliveries over a work queue of the bus. */
export const deliveryQueue = (jobs: WorkQueues, queue: string): DeliveryQueue => ({
  enqueue: (job, delayMs) => jobs.enqueueJob(queue, job, delayMs === undefined ? {} : { delayMs }),
});

/**
 * Consumes the deliveries' work queue: each job is one attempt (`runAttempt`), finished when it
 * returns (a retry is a new job on the wait's delay queue, queued by the attempt itself), at most
 * `perWebhook` at once for one webhook and `perUser` for one user's (a job over them waits up to
 * `PLACE_WAIT_MS` for a place while places are being given back, then is postponed). When the
 * attempt cannot run (the store is down), the job is postponed too, whatever the broker's
 * delivery limit, so an outage of any length loses nothing; only when even that
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
  {
    concurrency = DELIVERY_CONCURRENCY,
    perWebhook = ATTEMPTS_PER_WEBHOOK,
    perUser = ATTEMPTS_PER_USER,
    placeWaitMs = PLACE_WAIT_MS,
  } = {},
): Promise<void> {
  const users = new Places(perUser, placeWaitMs);
  const webhooks = new Places(perWebhook, placeWaitMs);
  /** A place for the user's and one for the webhook's attempts, or none. */
  const takePlaces = async (job: DeliveryJob): Promise<boolean> => {
    if (!(await users.take(job.user_id))) return false;
    if (await webhooks.take(job.webhook_id)) return true;
    users.give(job.user_id);
    return false;
  };
  await jobs.consumeJobs(queue, { delaysMs: deps.retryDelaysMs, concurrency }, async (raw: Job, { redelivered }) => {
    const job = deliveryJob.parse(raw);
    const started = performance.now();
    const where = {
      deliveryId: job.id,
      webhookId: job.webhook_id,
      origin: originOf(new URL(job.url)),
      attempt: job.attempts + 1,
    };
    if (!(await takePlaces(job))) {
      // Not an attempt: the job comes back after the first wait, when the endpoint may have answered.
      await postpone(deps, job);
      logger.debug({ ...where, outcome: 'postponed' }, 'webhook attempt');
      return { kind: 'done' };
    }
    let result: AttemptResult;
    try {
      result = await runAttempt(deps, job, { redelivered });
    } catch (error) {
      logger.warn({ ...where, err: error }, 'webhook attempt could not run; the job is queued again');
      await postpone(deps, job);
      return { kind: 'done' };
    } finally {
      webhooks.give(job.webhook_id);
      users.give(job.user_id);
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
