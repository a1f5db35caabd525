import { webhookEventType } from '@slotkeeper/contracts';
import type { Clock } from '@slotkeeper/time';
import { z } from 'zod';
import { afterAttempt, newDelivery, type AttemptOutcome, type Delivery } from './delivery.js';
import { payloadBody, webhookPayloadOf, WEBHOOK_TYPE_OF, type WebhookMessage } from './payload.js';
import type { WebhookStore } from './ports.js';
import { secretContext, type SecretSealer, type WebhookSubscription } from './webhook.js';

/** Sends one signed attempt (the HTTP adapter's `attemptDelivery` over the webhook client). */
export interface Sender {
  send(attempt: { url: string; secret: string; id: string; body: string; at: Date }): Promise<AttemptOutcome>;
}

/**
 * One delivery's next attempt, as it waits on the work queue: everything the attempt needs, the
 * URL and the sealed secret included, so a worker that lost its memory (a restarted instance of
 * the embedded mode's store) still delivers it. The secret stays sealed on the broker.
 */
export const deliveryJob = z.object({
  /** The delivery's id: the `webhook-id` header. */
  id: z.string().min(1),
  webhook_id: z.string(),
  user_id: z.string(),
  url: z.url(),
  sealed_secret: z.string(),
  type: webhookEventType,
  event_id: z.string(),
  message_id: z.string(),
  body: z.string(),
  created_at: z.iso.datetime(),
  /** Attempts made before this one. */
  attempts: z.number().int().min(0),
});
export type DeliveryJob = z.infer<typeof deliveryJob>;

/** The work queue deliveries wait on (`WorkQueues` of `@slotkeeper/messaging`, seen from the domain). */
export interface DeliveryQueue {
  /** Queues the job now, or after `delayMs` (one of the retry delays); resolves once it is safe (the broker confirmed it). */
  enqueue(job: DeliveryJob, delayMs?: number): Promise<void>;
}

/** How a job's attempt ended; in every case the job itself is finished (a retry is a new job). */
export type AttemptResult =
  | {
      kind: 'delivered' | 'failed' | 'retrying';
      statusCode: number | null;
      /** Why it failed, safe to show (a status, or the client's method-and-origin message). */
      error: string | null;
      /** False when the log could not take the outcome (the webhook was deleted meanwhile). */
      logged: boolean;
    }
  /** Nothing sent: the log shows the delivery settled, or tried further by another copy of the job. */
  | { kind: 'stale' }
  /** Nothing sent: the webhook was deleted. */
  | { kind: 'deleted' }
  /** Nothing sent: another copy holds this attempt, or the log is behind: the job is queued again after the first wait. */
  | { kind: 'postponed' };

/**
 * How long one worker holds an attempt against copies of its job on other instances: longer than
 * an attempt may take (its HTTP deadline is 10 s), so a copy never sends beside it; a worker that
 * died holding it is taken over by the broker's redelivery after `CLAIM_TAKEOVER_MS`, or after
 * this by any copy.
 */
export const ATTEMPT_CLAIM_MS = 30_000;

/**
 * How old a claim must be before a copy the broker redelivered may take it over: longer than an
 * attempt may take (its 10 s deadline, and a margin), so its holder, if alive after all (its
 * connection only blipped, or it handed the copy back while shutting down), cannot still be
 * sending. A copy that was not redelivered waits for the claim to end.
 */
export const CLAIM_TAKEOVER_MS = 13_000;

export interface DeliveryDeps {
  store: WebhookStore;
  queue: DeliveryQueue;
  secrets: SecretSealer;
  sender: Sender;
  clock: Clock;
  /** The waits between attempts (`WEBHOOK_RETRY_DELAYS`). */
  retryDelaysMs: readonly number[];
}

/** A delivery's `last_error` when its webhook's secret will not open: safe to show, and says what to do. */
export const SECRET_UNREADABLE =
  'its signing secret cannot be opened with the configured SECRET_KEYS: the key that sealed it must be restored';

/** A delivery and the webhook it goes to. */
export interface PlannedDelivery {
  delivery: Delivery;
  webhook: WebhookSubscription;
}

/**
 * Records, for a change of one of `userId`'s calendars, one delivery per webhook of theirs that
 * it matches, each with the same body. Its ids come from the message's, so a message the broker
 * delivers again records nothing new: the deliveries returned are those of this message, new or
 * already recorded (a recorded one may be under way or done: its status says).
 */
export async function recordDeliveries(
  deps: Pick<DeliveryDeps, 'store' | 'clock'>,
  message: WebhookMessage,
  userId: string,
): Promise<PlannedDelivery[]> {
  const type = WEBHOOK_TYPE_OF[message.type];
  const webhooks = await deps.store.matching(userId, type, message.data.calendar_id);
  if (webhooks.length === 0) return [];
  const body = payloadBody(webhookPayloadOf(message));
  const now = deps.clock.now();
  const planned: PlannedDelivery[] = [];
  for (const webhook of webhooks) {
    const delivery = newDelivery(
      { webhookId: webhook.id, userId, type, eventId: message.data.id, messageId: message.id, body },
      now,
    );
    const recorded = (await deps.store.record(delivery)) ? delivery : await deps.store.findDelivery(delivery.id);
    planned.push({ delivery: recorded ?? delivery, webhook });
  }
  return planned;
}

/** The first attempt's job of a recorded delivery. */
export const firstJob = ({ delivery, webhook }: PlannedDelivery): DeliveryJob => ({
  id: delivery.id,
  webhook_id: webhook.id,
  user_id: delivery.userId,
  url: webhook.url,
  sealed_secret: webhook.sealedSecret,
  type: delivery.type,
  event_id: delivery.eventId,
  message_id: delivery.messageId,
  body: delivery.body,
  created_at: delivery.createdAt.toISOString(),
  attempts: 0,
});

/**
 * Fans a change out: records its deliveries and puts each one not yet tried on the queue, then
 * returns (the caller acknowledges the message only then). A message delivered again finds its
 * deliveries recorded: those still untried are queued again (the first copy's job may have been
 * lost with a crash between the record and the queue); a job whose delivery moved on meanwhile is
 * dropped by `runAttempt`, so the receiver is not called twice for it.
 */
export async function fanOut(
  deps: Pick<DeliveryDeps, 'store' | 'clock' | 'queue'>,
  message: WebhookMessage,
  userId: string,
): Promise<DeliveryJob[]> {
  const planned = await recordDeliveries(deps, message, userId);
  const jobs = planned.filter(({ delivery }) => delivery.status === 'pending' && delivery.attempts === 0).map(firstJob);
  await Promise.all(jobs.map((job) => deps.queue.enqueue(job)));
  return jobs;
}

/** The log entry a job stands for, when the log has none (a memory store that restarted, or pruned it). */
const deliveryOfJob = (job: DeliveryJob): Delivery => ({
  ...newDelivery(
    {
      webhookId: job.webhook_id,
      userId: job.user_id,
      type: job.type,
      eventId: job.event_id,
      messageId: job.message_id,
      body: job.body,
    },
    new Date(job.created_at),
  ),
  id: job.id,
  attempts: job.attempts,
});

/**
 * Makes one attempt of a delivery from its job: claims the attempt in the log (so a copy of the
 * job on another instance sends nothing beside it), signs the job's body under the delivery's id
 * with a fresh timestamp and sends it; on a failure with a retry left, queues the next attempt's
 * job after its wait; then writes the outcome in the log, releasing the claim.
 *
 * Nothing is sent for a deleted webhook, nor for a job the log shows to be behind (delivered,
 * given up, or tried further already). A copy that finds the attempt claimed by another worker,
 * or the log behind it, is queued again after the first wait (`postponed`), so no copy is dropped
 * while its delivery may still need it. A copy the broker redelivered (its last holder's channel
 * died) takes over a claim older than `CLAIM_TAKEOVER_MS`.
 *
 * The order keeps every delivery alive through a crash at any step: the next job is safe before
 * the log says the attempt happened, so a job redelivered after a crash either finds the log
 * unchanged and tries again (the receiver may see that attempt twice, under one `webhook-id`), or
 * finds it moved on, and its next job queued. A secret that will not open counts as a failed
 * attempt, nothing sent, so restoring its key within the retry window lets the delivery through.
 */
export async function runAttempt(
  deps: DeliveryDeps,
  job: DeliveryJob,
  { redelivered = false }: { redelivered?: boolean } = {},
): Promise<AttemptResult> {
  const now = deps.clock.now();
  const standing = await deps.store.standing(job.webhook_id, now);
  if (standing === 'deleted') return { kind: 'deleted' };
  const until = new Date(now.getTime() + ATTEMPT_CLAIM_MS);
  const freeBefore = redelivered ? new Date(until.getTime() - CLAIM_TAKEOVER_MS) : now;
  let claim = await deps.store.claim(job.id, job.attempts, until, freeBefore);
  if (claim === 'missing') {
    // No entry: the webhook was deleted since `standing` answered (its log went with it), or the
    // store forgot the entry (the memory store restarted, or pruned it): the job then stands for it.
    if ((await deps.store.standing(job.webhook_id, now)) === 'deleted') return { kind: 'deleted' };
    await deps.store.record(deliveryOfJob(job));
    claim = await deps.store.claim(job.id, job.attempts, until, freeBefore);
    // Still none: the memory store's bound dropped it at once; the attempt goes out unlogged.
  }
  if (claim === 'stale') return { kind: 'stale' };
  if (claim === 'busy') {
    await postpone(deps, job);
    return { kind: 'postponed' };
  }

  const secret = openedSecret(job, deps.secrets);
  const outcome: AttemptOutcome =
    secret === null
      ? { ok: false, statusCode: null, error: SECRET_UNREADABLE }
      : await deps.sender.send({ url: job.url, secret, id: job.id, body: job.body, at: deps.clock.now() });
  const update = afterAttempt(job, outcome, deps.clock.now(), deps.retryDelaysMs);
  if (update.status === 'pending') {
    await deps.queue.enqueue({ ...job, attempts: update.attempts }, deps.retryDelaysMs[update.attempts - 1]!);
  }
  const logged = await deps.store.update(job.id, job.attempts, update);
  const kind = update.status === 'pending' ? 'retrying' : update.status;
  return { kind, statusCode: outcome.statusCode, error: outcome.ok ? null : outcome.error, logged };
}

/**
 * Queues the job again after the first wait, its attempt not made (another copy holds it, the
 * endpoint has its share of attempts under way, or the attempt could not run): not a retry, so
 * it counts for nothing, and the delivery's own retry schedule is unchanged.
 */
export const postpone = (deps: Pick<DeliveryDeps, 'queue' | 'retryDelaysMs'>, job: DeliveryJob): Promise<void> =>
  deps.queue.enqueue(job, deps.retryDelaysMs[0]);

/** The job's secret, or null when it will not open (its key left SECRET_KEYS, or it was altered). */
function openedSecret(job: DeliveryJob, secrets: SecretSealer): string | null {
  try {
    return secrets.open(job.sealed_secret, secretContext(job.webhook_id));
  } catch {
    return null;
  }
}
