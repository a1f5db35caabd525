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

/** The domain's queue of deliveries over a work queue of the bus. */
export const deliveryQueue = (jobs: WorkQueues, queue: string): DeliveryQueue => ({
  enqueue: (job, delayMs) => jobs.enqueueJob(queue, job, delayMs === undefined ? {} : { delayMs }),
});

/**
 * Consumes the deliveries' work queue: each job is one attempt (`runAttempt`), finished when it
 * returns (a retry is a new job on the wait's delay queue, queued by the attempt itself), at most
 * `perWebhook` at once for one webhook (a job over it comes back after the first wait). When the
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
  { concurrency = DELIVERY_CONCURRENCY, perWebhook = ATTEMPTS_PER_WEBHOOK } = {},
): Promise<void> {
  const underWay = new Map<string, number>();
  await jobs.consumeJobs(queue, { delaysMs: deps.retryDelaysMs, concurrency }, async (raw: Job, { redelivered }) => {
    const job = deliveryJob.parse(raw);
    const started = performance.now();
    const where = {
      deliveryId: job.id,
      webhookId: job.webhook_id,
      origin: originOf(job.url),
      attempt: job.attempts + 1,
    };
    const running = underWay.get(job.webhook_id) ?? 0;
    if (running >= perWebhook) {
      // Not an attempt: the job comes back after the first wait, when the endpoint may have answered.
      await deps.queue.enqueue(job, deps.retryDelaysMs[0]);
      logger.info({ ...where, outcome: 'postponed', underWay: running }, 'webhook attempt');
      return { kind: 'done' };
    }
    underWay.set(job.webhook_id, running + 1);
    let result: AttemptResult;
    try {
      result = await runAttempt(deps, job, { redelivered });
    } catch (error) {
      logger.warn({ ...where, err: error }, 'webhook attempt could not run; the job is queued again');
      await deps.queue.enqueue(job, deps.retryDelaysMs[0]);
      return { kind: 'done' };
    } finally {
      const left = underWay.get(job.webhook_id)! - 1;
      if (left === 0) underWay.delete(job.webhook_id);
      else underWay.set(job.webhook_id, left);
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
