import { generateId } from '@slotkeeper/contracts';
import type { Logger } from '@slotkeeper/observability';
import type { BusySource, Lease } from '../domain/busy-source.js';
import type { Syncer } from '../domain/busy-source-use-cases.js';
import { syncSource, type SyncDeps, type SyncOutcome } from '../domain/sync-source.js';

export interface SchedulerOptions {
  /**
   * How long a claimed source stays leased. A sync gives up reading `deadlineMargin(leaseMs)`
   * before its lease ends (`failing`, "took too long"), so that its outcome is written under it.
   */
  leaseMs: number;
  /** How often the store is asked for due sources. */
  pollMs: number;
  /** Syncs this instance runs at once, scheduled and created alike; a slow or dead source holds one of them, never the others. */
  concurrency: number;
}

/** What a sync leaves of its lease to write its outcome: 15 s, or a quarter of a shorter lease. */
export const deadlineMargin = (leaseMs: number) => Math.min(15_000, leaseMs / 4);

/** URLs in a message or stack replaced: an unforeseen error may quote a source's URL, which can hold a token. */
const withoutUrls = (text: string | undefined) => text?.replace(/\b[a-z][a-z0-9+.-]*:\/\/[^\s'"]+/gi, '<url>');

/**
 * Syncs busy sources in the background. Every `pollMs` it leases due sources from the store, one
 * atomic claim each, while one of its `concurrency` workers is free: any number of instances share
 * one store and never sync one source at the same time. A new source's first sync (`syncNow`)
 * takes a worker too, before any due one: the limit holds for both. A sync's own failure is
 * recorded on its source (`failing`); only what the reader did not foresee is logged here, without
 * URLs or secrets.
 */
export class SyncScheduler implements Syncer {
  private timer: NodeJS.Timeout | undefined;
  private readonly running = new Set<Promise<SyncOutcome>>();
  /** Workers taken (syncs running, or claims under way). */
  private busy = 0;
  /** First syncs waiting for a worker, first come first served; each is told whether it got one. */
  private readonly waiting: Array<(granted: boolean) => void> = [];
  private ticking = false;
  private stopped = false;

  constructor(
    private readonly deps: SyncDeps,
    private readonly logger: Logger,
    private readonly options: SchedulerOptions,
  ) {}

  start(): void {
    this.stopped = false;
    this.timer ??= setInterval(() => void this.tick(), this.options.pollMs);
    this.timer.unref();
    void this.tick();
  }

  /** Claims and starts due syncs while a worker is free and no first sync waits for one. */
  async tick(): Promise<void> {
    if (this.ticking || this.stopped) return;
    this.ticking = true;
    try {
      while (!this.stopped && this.waiting.length === 0 && this.busy < this.options.concurrency) {
        this.busy++;
        let claimed: BusySource | null = null;
        const now = this.deps.clock.now();
        const lease = { token: generateId(), until: new Date(now.getTime() + this.options.leaseMs) };
        try {
          claimed = await this.deps.sources.claimDue(now, lease);
        } finally {
          if (!claimed) this.release();
        }
        if (!claimed) break;
        void this.run(claimed, lease);
      }
    } catch (error) {
      this.logger.warn({ err: error }, 'due busy sources could not be claimed; the next poll tries again');
    } finally {
      this.ticking = false;
    }
  }

  /**
   * A source created with its lease held: synced on the next free worker. One that had to wait
   * has its lease renewed first, so that the sync has a whole lease to run in.
   */
  async syncNow(source: BusySource, requestId?: string): Promise<SyncOutcome> {
    if (!source.lease) throw new Error('syncNow needs a source whose lease its caller holds');
    if (this.stopped) return { kind: 'lost' };
    if (this.busy < this.options.concurrency && this.waiting.length === 0) {
      this.busy++;
      return this.run(source, source.lease, requestId);
    }
    const granted = await new Promise<boolean>((resolve) => this.waiting.push(resolve));
    if (!granted) return { kind: 'lost' };
    const lease = {
      token: source.lease.token,
      until: new Date(this.deps.clock.now().getTime() + this.options.leaseMs),
    };
    const renewed = await this.deps.sources.renewLease(source.id, lease.token, lease.until).catch((error: unknown) => {
      this.logger.warn({ sourceId: source.id, error: describe(error) }, 'busy source lease not renewed');
      return false;
    });
    if (!renewed) {
      this.release();
      return { kind: 'lost' };
    }
    return this.run(source, lease, requestId);
  }

  /** A worker freed: handed to the first waiting first sync, else to the next due source. */
  private release(): void {
    const next = this.waiting.shift();
    if (next) return next(true);
    this.busy--;
    void this.tick();
  }

  /** Runs on a worker the caller took, and frees it. Never rejects: what went wrong is logged, and the source is left to its lease's end. */
  private run(source: BusySource, lease: Lease, requestId?: string): Promise<SyncOutcome> {
    const log = this.logger.child({
      sourceId: source.id,
      calendarId: source.calendarId,
      ...(requestId && { reqId: requestId }),
    });
    const deadline = new Date(lease.until.getTime() - deadlineMargin(this.options.leaseMs));
    const work = syncSource(source, lease.token, this.deps, { ...(requestId && { requestId }), deadline }).then(
      (outcome) => {
        this.report(log, outcome);
        return outcome;
      },
      (error: unknown) => {
        log.warn({ error: describe(error) }, 'busy source sync not recorded; it runs again when its lease ends');
        return { kind: 'lost' } as const;
      },
    );
    this.running.add(work);
    void work.then(() => {
      this.running.delete(work);
      this.release();
    });
    return work;
  }

  private report(log: Logger, outcome: SyncOutcome): void {
    if (outcome.kind === 'lost') return log.info('busy source sync dropped: its lease was lost or it was removed');
    const { source, published } = outcome;
    if (outcome.unexpected !== undefined)
      log.error({ error: describe(outcome.unexpected) }, 'busy source read failed unexpectedly');
    if (source.status === 'failing') log.info({ lastError: source.lastError }, 'busy source failing');
    else log.debug({ version: source.version, published }, 'busy source synced');
  }

  /**
   * Stops claiming, tells waiting first syncs they will not run (their sources are synced when due),
   * and waits (at most `timeoutMs`) for the syncs under way; unfinished leases simply expire.
   */
  async stop(timeoutMs = 5_000): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    this.timer = undefined;
    for (const waiter of this.waiting.splice(0)) waiter(false);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.all(this.running), new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
    clearTimeout(timer);
  }
}

function describe(error: unknown) {
  if (!(error instanceof Error)) return { type: typeof error };
  return { type: error.name, message: withoutUrls(error.message), stack: withoutUrls(error.stack) };
}
