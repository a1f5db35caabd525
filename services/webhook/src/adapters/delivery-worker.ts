import type { Job, WorkQueues } from '@slotkeeper/messaging';
import type { Logger } from '@slotkeeper/observability';
import { deliveryJob, runAttempt, type DeliveryDeps, type DeliveryQueue } from '../domain/delivery-use-cases.js';

/** The work queue of deliveries (namespaced by AMQP_PREFIX in the distributed mode). */
export const DELIVERY_QUEUE = 'webhook.deliver';

/** Attempts one instance has under way at once (the work queue's prefetch). */
export const DELIVERY_CONCURRENCY = 64;

/** The domain's queue of deliveries over a work queue of the bus. */
export const deliveryQueue = (jobs: WorkQueues, queue: string): DeliveryQueue => ({
  enqueue: (job, delayMs) => jobs.enqueueJob(queue, job, delayMs === undefined ? {} : { delayMs }),
});

/**
 * Consumes the deliveries' work queue: each job is one attempt (`runAttempt`), finished when it
 * returns (a retry is a new job on the wait's delay queue, queued by the attempt itself). A job
 * that is not a delivery is logged and let go. Logged per attempt: the delivery's id, the
 * endpoint's origin, the outcome and the time it took; never a body, a header or the path.
 */
export async function consumeDeliveries(
  jobs: WorkQueues,
  queue: string,
  deps: DeliveryDeps,
  logger: Logger,
  concurrency = DELIVERY_CONCURRENCY,
): Promise<void> {
  await jobs.consumeJobs(queue, { delaysMs: deps.retryDelaysMs, concurrency }, async (raw: Job, { redelivered }) => {
    const parsed = deliveryJob.safeParse(raw);
    if (!parsed.success) {
      logger.error({ jobId: raw.id }, 'a job on the delivery queue is not a delivery; dropped');
      return { kind: 'done' };
    }
    const job = parsed.data;
    const started = performance.now();
    const result = await runAttempt(deps, job);
    logger.info(
      {
        deliveryId: job.id,
        webhookId: job.webhook_id,
        origin: originOf(job.url),
        attempt: job.attempts + 1,
        ...(redelivered && { redelivered }),
        outcome: result.kind,
        ...('statusCode' in result && { statusCode: result.statusCode }),
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
