import { deleteEvent, putEvent, SourceError } from '@slotkeeper/caldav';
import { eventIcs } from '@slotkeeper/icalendar';
import type { Logger } from '@slotkeeper/observability';
import { SecretsUnreadable } from '../domain/source-secrets.js';
import { calendarItemOf } from './calendar-items.js';
import type { OutboundDeps } from './deps.js';
import { DEFAULT_RETRY_DELAYS_MS, nextAttempt, type ClaimedJob, type Settlement } from './domain/write-back-job.js';

export interface WriteBackWorkerOptions {
  /** How often due jobs are looked for (1 s); a write that ends looks at once. */
  pollMs?: number;
  /** How long a claimed job is this worker's alone (2 min): past the client's deadline for one write. */
  leaseMs?: number;
  /** Writes this worker runs at once (8): a slow or dead server holds one of them, never the others. */
  concurrency?: number;
}

/**
 * Runs the write-back jobs (the outbox of writes to the owners' CalDAV collections, see
 * `WriteBackJob`): claims due ones under a lease, so several instances never run one job at once,
 * writes the event's newest state (PUT `{collection}{event id}.ics`, or DELETE once canceled),
 * and on failure tries again after the next of `retryDelaysMs`; after the last, it gives up with
 * a warning. Up to `concurrency` writes run at once, and each that ends claims the next due job:
 * a write waiting on a dead server (up to the client's deadline) holds its own place only. A job
 * whose source is gone (deleted, or no longer written to) is dropped; one whose source's secrets
 * will not open waits for its key (retried at the delays, then at the last one, never given up),
 * so putting the key back lets it through.
 */
export class WriteBackWorker {
  private timer: NodeJS.Timeout | undefined;
  private stopping = false;
  /** The writes under way, and the claims being made. */
  private readonly running = new Set<Promise<void>>();
  private readonly claims = new Set<Promise<unknown>>();
  /** Writes under way plus claims being made: held before a claim, so no caller ever overfills. */
  private taken = 0;
  private readonly delaysMs: readonly number[];
  private readonly logger: Logger;
  private readonly pollMs: number;
  private readonly leaseMs: number;
  private readonly concurrency: number;

  constructor(
    private readonly deps: OutboundDeps,
    options: WriteBackWorkerOptions = {},
  ) {
    this.delaysMs = deps.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
    this.logger = deps.logger.child({ component: 'write-back' });
    this.pollMs = options.pollMs ?? 1_000;
    this.leaseMs = options.leaseMs ?? 120_000;
    this.concurrency = options.concurrency ?? 8;
  }

  start(): void {
    this.stopping = false;
    this.timer ??= setInterval(() => void this.tick(), this.pollMs);
    this.timer.unref();
  }

  /** No more claims; the writes under way finish (each bounded by the client's deadline). */
  async stop(): Promise<void> {
    this.stopping = true;
    clearInterval(this.timer);
    this.timer = undefined;
    // A claim under way may still start a write: wait until neither is left.
    while (this.running.size + this.claims.size > 0) await Promise.allSettled([...this.running, ...this.claims]);
  }

  /**
   * Runs due jobs, at most `concurrency` at once, until none is due and none runs; how many it
   * started. The timer keeps the same pool filled without waiting for it to empty.
   */
  async runDue(): Promise<number> {
    let started = await this.fill();
    while (this.running.size > 0) {
      await Promise.race(this.running);
      started += await this.fill();
    }
    return started;
  }

  private async tick(): Promise<void> {
    try {
      await this.fill();
    } catch (error) {
      this.logger.warn({ err: error }, 'write-back jobs could not be claimed; trying again shortly');
    }
  }

  /** Claims due jobs, one at a time, while a place is free, and starts each; how many it started. */
  private async fill(): Promise<number> {
    let started = 0;
    while (!this.stopping && this.taken < this.concurrency) {
      this.taken += 1;
      let job: ClaimedJob | undefined;
      const claim = this.deps.store.claimDue(this.deps.clock.now(), this.leaseMs, 1);
      this.claims.add(claim);
      try {
        [job] = await claim;
      } finally {
        this.claims.delete(claim);
        if (!job) this.taken -= 1;
      }
      if (!job) break;
      started += 1;
      const write: Promise<void> = this.run(job).finally(() => {
        this.taken -= 1;
        this.running.delete(write);
        // Its place is free: the next due job need not wait for the timer.
        if (this.timer) void this.tick();
      });
      this.running.add(write);
    }
    return started;
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
    // Throws SecretsUnreadable when its key is gone: a retry, not a drop (see `failure`).
    const target = await targets.target(job.sourceId);
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
    // the credentials or a body), and so is SecretsUnreadable's (it names no secret, and says
    // what to do). Anything else is ours: logged, and kept only as a generic line.
    const safe = error instanceof SourceError || error instanceof SecretsUnreadable;
    const message = safe ? error.message : 'the write failed unexpectedly';
    if (!safe) log.error({ err: error }, 'write-back failed unexpectedly');
    const now = this.deps.clock.now();
    if (error instanceof SecretsUnreadable) {
      // The operator's to mend (put the key back): the job waits for it while its source is there,
      // at the delays, then at the last one, never given up.
      const at =
        nextAttempt(job.attempts, now, this.delaysMs) ??
        new Date(now.getTime() + (this.delaysMs.at(-1) ?? DEFAULT_RETRY_DELAYS_MS.at(-1)!));
      log.warn({ attempts: job.attempts, error: message, retryAt: at.toISOString() }, 'write-back waits for its key');
      return { kind: 'retry', at, error: message };
    }
    const at = nextAttempt(job.attempts, now, this.delaysMs);
    if (at) {
      log.info({ attempts: job.attempts, error: message, retryAt: at.toISOString() }, 'write-back failed; will retry');
      return { kind: 'retry', at, error: message };
    }
    log.warn({ attempts: job.attempts, error: message }, 'write-back gave up after its last retry');
    return { kind: 'failed', error: message };
  }
}
