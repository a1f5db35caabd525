import { generateId } from '@slotkeeper/contracts';
import type { Logger } from '@slotkeeper/observability';
import type { BusySource } from '../domain/busy-source.js';
import type { Syncer } from '../domain/busy-source-use-cases.js';
import { syncSource, type SyncDeps, type SyncOutcome } from '../domain/sync-source.js';

export interface SchedulerOptions {
  /** How long a claimed source stays leased: longer than any sync may take (a read's deadline plus expansion). */
  leaseMs: number;
  /** How often the store is asked for due sources. */
  pollMs: number;
  /** Syncs this instance runs at once; a slow or dead source holds one of them, never the others. */
  concurrency: number;
}

/** URLs in a message or stack replaced: an unforeseen error may quote a source's URL, which can hold a token. */
const withoutUrls = (text: string | undefined) => text?.replace(/\b[a-z][a-z0-9+.-]*:\/\/[^\s'"]+/gi, '<url>');

/**
 * Syncs busy sources in the background. Every `pollMs` it leases due sources from the store, one
 * atomic claim each, up to `concurrency` syncs at once: any number of instances share one store
 * and never sync one source at the same time. A sync's own failure is recorded on its source
 * (`failing`); only what the reader did not foresee is logged here, without URLs or secrets.
 */
export class SyncScheduler implements Syncer {
  private timer: NodeJS.Timeout | undefined;
  private readonly running = new Set<Promise<SyncOutcome>>();
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

  /** Claims and starts due syncs while a worker is free. */
  async tick(): Promise<void> {
    if (this.ticking || this.stopped) return;
    this.ticking = true;
    try {
      while (!this.stopped && this.running.size < this.options.concurrency) {
        const now = this.deps.clock.now();
        const lease = { token: generateId(), until: new Date(now.getTime() + this.options.leaseMs) };
        const claimed = await this.deps.sources.claimDue(now, lease);
        if (!claimed) break;
        void this.run(claimed, lease.token);
      }
    } catch (error) {
      this.logger.warn({ err: error }, 'due busy sources could not be claimed; the next poll tries again');
    } finally {
      this.ticking = false;
    }
  }

  /** A source created with its lease held: synced now, beside the scheduled ones. */
  syncNow(source: BusySource, requestId?: string): Promise<SyncOutcome> {
    if (!source.lease) throw new Error('syncNow needs a source whose lease its caller holds');
    return this.run(source, source.lease.token, requestId);
  }

  /** Never rejects: what went wrong is logged, and the source is left to its lease's end. */
  private run(source: BusySource, token: string, requestId?: string): Promise<SyncOutcome> {
    const log = this.logger.child({
      sourceId: source.id,
      calendarId: source.calendarId,
      ...(requestId && { reqId: requestId }),
    });
    const work = syncSource(source, token, this.deps, requestId).then(
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
      void this.tick();
    });
    return work;
  }

  private report(log: Logger, outcome: SyncOutcome): void {
    if (outcome.kind === 'removed') return log.info('busy source removed: its calendar is gone');
    if (outcome.kind === 'lost') return log.info('busy source sync dropped: its lease was lost or it was removed');
    const { source, published } = outcome;
    if (outcome.unexpected !== undefined)
      log.error({ error: describe(outcome.unexpected) }, 'busy source read failed unexpectedly');
    if (source.status === 'failing') log.info({ lastError: source.lastError }, 'busy source failing');
    else log.debug({ version: source.version, published }, 'busy source synced');
  }

  /** Stops claiming, and waits (at most `timeoutMs`) for the syncs under way; unfinished leases simply expire. */
  async stop(timeoutMs = 5_000): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    this.timer = undefined;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.all(this.running), new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
    clearTimeout(timer);
  }
}

function describe(error: unknown) {
  if (!(error instanceof Error)) return { type: typeof error };
  return { type: error.name, message: withoutUrls(error.message), stack: withoutUrls(error.stack) };
}
