import { deleteEvent, putEvent, SourceError } from '@slotkeeper/caldav';
import { eventIcs } from '@slotkeeper/icalendar';
import type { Logger } from '@slotkeeper/observability';
import { calendarItemOf } from './calendar-items.js';
import type { OutboundDeps } from './deps.js';
import { DEFAULT_RETRY_DELAYS_MS, nextAttempt, type ClaimedJob, type Settlement } from './domain/write-back-job.js';

export interface WriteBackWorkerOptions {
  /** How often due jobs are looked for (1 s). */
  pollMs?: number;
  /** How long a claimed job is this worker's alone (2 min): past the client's deadline for one write. */
  leaseMs?: number;
  /** Jobs claimed, and written concurrently, per round (8). */
  batchSize?: number;
}

/**
 * Runs the write-back jobs (the outbox of writes to the owners' CalDAV collections, see
 * `WriteBackJob`): claims due ones under a lease, so several instances never run one job at once,
 * writes the event's newest state (PUT `{collection}{event id}.ics`, or DELETE once canceled),
 * and on failure tries again after the next of `retryDelaysMs`; after the last, it gives up with
 * a warning. A job whose source is gone (deleted, or no longer written to) is dropped.
 */
export class WriteBackWorker {
  private timer: NodeJS.Timeout | undefined;
  /** Whether the timer's round is still going: rounds never pile up behind a slow server. */
  private ticking = false;
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly delaysMs: readonly number[];
  private readonly logger: Logger;
  private readonly pollMs: number;
  private readonly leaseMs: number;
  private readonly batchSize: number;

  constructor(
    private readonly deps: OutboundDeps,
    options: WriteBackWorkerOptions = {},
  ) {
    this.delaysMs = deps.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
    this.logger = deps.logger.child({ component: 'write-back' });
    this.pollMs = options.pollMs ?? 1_000;
    this.leaseMs = options.leaseMs ?? 120_000;
    this.batchSize = options.batchSize ?? 8;
  }

  start(): void {
    this.timer ??= setInterval(() => void this.tick(), this.pollMs);
    this.timer.unref();
  }

  /** No more rounds; the writes under way finish (each bounded by the client's deadline). */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await Promise.allSettled([...this.inFlight]);
  }

  /** One round: claims the due jobs (at most a batch) and runs them; how many it ran. */
  async runDue(): Promise<number> {
    const round = this.round();
    this.inFlight.add(round);
    try {
      return await round;
    } finally {
      this.inFlight.delete(round);
    }
  }

  private async tick(): Promise<void> {
    if (this.ticking) return;
    this.ticking = true;
    try {
      // A full batch may mean more are due: go on at once rather than wait for the timer.
      let ran = await this.runDue();
      while (ran === this.batchSize && this.timer) ran = await this.runDue();
    } catch (error) {
      this.logger.warn({ err: error }, 'write-back jobs could not be claimed; trying again shortly');
    } finally {
      this.ticking = false;
    }
  }

  private async round(): Promise<number> {
    const jobs = await this.deps.store.claimDue(this.deps.clock.now(), this.leaseMs, this.batchSize);
    await Promise.all(jobs.map((job) => this.run(job)));
    return jobs.length;
  }

  private async run(job: ClaimedJob): Promise<void> {
    const log = this.logger.child({ sourceId: job.sourceId, eventId: job.eventId, calendarId: job.calendarId });
    let outcome: Settlement;
    try {
      outcome = await this.write(job, log);
    } catch (error) {
      outcome = this.failure(job, error, log);
    }
    try {
      await this.deps.store.settle(job, outcome);
    } catch (error) {
      // The lease runs out and the job is claimed again: at worst the write is repeated, which
      // PUT and DELETE of the same state allow.
      log.warn({ err: error }, 'write-back attempt not recorded; it will run again when its lease ends');
    }
  }

  private async write(job: ClaimedJob, log: Logger): Promise<Settlement> {
    const { targets, store, client } = this.deps;
    const target = (await targets.forCalendar(job.calendarId)).find((t) => t.sourceId === job.sourceId);
    if (!target) return { kind: 'dropped' };
    const event = await store.findEvent(job.eventId);
    if (!event) {
      log.warn('write-back job of an event the projection does not hold; dropped');
      return { kind: 'dropped' };
    }
    if (event.status === 'canceled') await deleteEvent(client, target.url, target.credentials, event.id);
    else await putEvent(client, target.url, target.credentials, event.id, eventIcs(calendarItemOf(event), {}));
    log.info({ version: event.version, write: event.status === 'canceled' ? 'delete' : 'put' }, 'event written back');
    return { kind: 'done' };
  }

  private failure(job: ClaimedJob, error: unknown, log: Logger): Settlement {
    // A SourceError's message is safe to keep and show (origin, status, kind; never the path,
    // the credentials or a body). Anything else is ours: logged, and kept only as a generic line.
    const message = error instanceof SourceError ? error.message : 'the write failed unexpectedly';
    if (!(error instanceof SourceError)) log.error({ err: error }, 'write-back failed unexpectedly');
    const at = nextAttempt(job.attempts, this.deps.clock.now(), this.delaysMs);
    if (at) {
      log.info({ attempts: job.attempts, error: message, retryAt: at.toISOString() }, 'write-back failed; will retry');
      return { kind: 'retry', at, error: message };
    }
    log.warn({ attempts: job.attempts, error: message }, 'write-back gave up after its last retry');
    return { kind: 'failed', error: message };
  }
}
