import { createEnvelope, type Envelope } from '@slotkeeper/contracts';
import type { Clock, Interval } from '@slotkeeper/time';
import {
  SourceReadFailed,
  type BusySource,
  type ObjectChanges,
  type OutboxPublisher,
  type SecretSealer,
  type SourceReader,
  type SourceRepository,
  type SyncRecord,
} from './busy-source.js';
import type { CalendarOwners, WriteBackJobs } from './ports.js';
import { openSecrets, resealed } from './source-secrets.js';

const DAY = 86_400_000;
/**
 * Marks the basis of reads that also stored their CalDAV objects: a source last synced before
 * objects were stored has another basis, so its next read is whole and stores them.
 */
const BASIS_FORMAT = 'objects';

export interface SyncSettings {
  /** Time between two syncs of a source. */
  intervalMs: number;
  /** How far ahead busy times are read. */
  windowDays: number;
}

export interface SyncDeps {
  sources: SourceRepository;
  reader: SourceReader;
  owners: CalendarOwners;
  secrets: SecretSealer;
  outbox: OutboxPublisher;
  /** The write-back jobs: a removed source's are dropped. */
  writeJobs: WriteBackJobs;
  clock: Clock;
  settings: SyncSettings;
}

/**
 * The window busy times are read in: from a day before now to `windowDays` after, widened to
 * whole UTC days. Aligned to days so that a busy set changes when its events do (or once a day),
 * not with every sync, which would otherwise clip the first interval anew each time.
 */
export function busyWindow(now: Date, windowDays: number): Interval {
  const today = Math.floor(now.getTime() / DAY) * DAY;
  return { start: today - DAY, end: today + (windowDays + 1) * DAY };
}

/** A source's busy times, whole, at a version: what the booking service applies. */
export function busyTimesChanged(
  source: Pick<BusySource, 'id' | 'calendarId'>,
  version: number,
  window: Interval,
  busy: readonly Interval[],
  at: Date,
  removed = false,
): Envelope {
  return createEnvelope(
    'BusyTimesChanged',
    {
      calendar_id: source.calendarId,
      source_id: source.id,
      version,
      removed,
      window_start: new Date(window.start).toISOString(),
      window_end: new Date(window.end).toISOString(),
      busy: busy.map(({ start, end }) => [start, end] as [number, number]),
    },
    at,
  );
}

/** What removing a source needs. */
export type RemoveDeps = Pick<SyncDeps, 'sources' | 'outbox' | 'writeJobs' | 'clock' | 'settings'>;

export type SyncOutcome =
  /** Written: `source` as it is now (ok or failing); `unexpected` is an error the reader did not foresee, to log. */
  | { kind: 'synced'; source: BusySource; published: boolean; unexpected?: unknown }
  /** Nothing written: the lease was lost, or the source removed meanwhile. */
  | { kind: 'lost' };

/** Why a source whose calendar the calendar service does not know is `failing`. */
export const CALENDAR_NOT_FOUND = 'the calendar was not found';
/** Why a source whose sync reached its deadline is `failing`. */
export const TOO_LONG = 'the source took too long to read';

export interface SyncOptions {
  requestId?: string;
  /**
   * When the sync gives up reading and records `failing` (TOO_LONG): some time before its lease
   * ends, so that the outcome is written while the lease still holds. None: no limit but the reader's.
   */
  deadline?: Date;
}

/**
 * Syncs one source held under the lease `token`: reads it (conditionally, when the basis of the
 * last read still holds), and writes the outcome. A change of the busy set raises its version and
 * leaves a BusyTimesChanged in the outbox in the same write; an unchanged one or a failure
 * publishes nothing, and a failure keeps the last good busy times where the booking service has them.
 * Secrets sealed under a key that no longer seals are re-sealed in that same write, whatever the
 * read's outcome; secrets that will not open make the source `failing`.
 *
 * A calendar the calendar service says it does not know makes the source `failing`, nothing more:
 * only CalendarDeleted removes sources. A 404 at sync time may be a deploy's passing state, and a
 * removal cannot be undone.
 */
export async function syncSource(
  source: BusySource,
  token: string,
  deps: SyncDeps,
  { requestId, deadline }: SyncOptions = {},
): Promise<SyncOutcome> {
  const now = deps.clock.now();
  const timeLimit = deadlineSignal(now, deadline);
  try {
    return await syncUnder(source, token, deps, now, timeLimit.signal, requestId);
  } finally {
    timeLimit.clear();
  }
}

async function syncUnder(
  source: BusySource,
  token: string,
  deps: SyncDeps,
  now: Date,
  signal: AbortSignal,
  requestId?: string,
): Promise<SyncOutcome> {
  const owner = await untilAborted(
    deps.owners.ownerOf(source.calendarId).then((found) => found ?? ('gone' as const)),
    signal,
  ).catch(
    // The calendar service is unreachable (or the deadline came first): the zone last learned serves.
    () => null,
  );
  const ownerZone = owner !== null && owner !== 'gone' ? owner.timezone : source.ownerZone;
  const window = busyWindow(now, deps.settings.windowDays);
  const basis = `${BASIS_FORMAT}|${window.start}|${window.end}|${ownerZone}`;
  const next = new Date(now.getTime() + deps.settings.intervalMs);
  const failed = (message: string): SyncRecord => ({
    status: 'failing',
    lastSyncedAt: source.lastSyncedAt,
    lastError: message,
    ownerZone,
    version: source.version,
    sync: source.sync,
    nextSyncAt: next,
  });

  let record: SyncRecord;
  let message: Envelope | null = null;
  let objects: ObjectChanges | undefined;
  let unexpected: unknown;
  let resealing: ReturnType<typeof resealed> = null;
  try {
    const secrets = openSecrets(source, deps.secrets);
    resealing = resealed(source, secrets, deps.secrets);
    // Its busy times stay where the booking service has them until CalendarDeleted withdraws them.
    if (owner === 'gone') throw new SourceReadFailed(CALENDAR_NOT_FOUND);
    signal.throwIfAborted();
    const result = await untilAborted(
      deps.reader.read({
        kind: source.kind,
        url: secrets.url,
        credentials: secrets.credentials,
        // Another basis (window, zone): a full read, which replaces the stored objects.
        prior: source.sync.basis === basis ? source.sync.prior : {},
        window,
        ownerZone,
        calendarId: source.calendarId,
        storedObjects: () => deps.sources.objectsOf(source.id),
        signal,
      }),
      signal,
    );
    const ok = { status: 'ok' as const, lastSyncedAt: now, lastError: null, ownerZone, nextSyncAt: next };
    // Stored with the new prior whatever the busy set does: they are the objects as of that prior.
    if (result.changed) objects = result.objects;
    if (!result.changed) {
      record = { ...ok, version: source.version, sync: source.sync };
    } else if (result.fingerprint === source.sync.fingerprint && basis === source.sync.basis) {
      record = { ...ok, version: source.version, sync: { ...source.sync, prior: result.prior } };
    } else {
      const version = source.version + 1;
      record = { ...ok, version, sync: { prior: result.prior, fingerprint: result.fingerprint, basis } };
      message = busyTimesChanged(source, version, window, result.busy, now);
    }
  } catch (error) {
    if (!(error instanceof SourceReadFailed)) unexpected = error;
    record = failed(error instanceof SourceReadFailed ? error.message : 'the source could not be read');
  }
  if (resealing) record = { ...record, ...resealing };
  if (!(await deps.sources.recordSync(source.id, token, record, message, requestId, objects))) return { kind: 'lost' };
  if (message) await deps.outbox.flush(source.id);
  const synced = { ...source, ...record, lease: null };
  return {
    kind: 'synced',
    source: synced,
    published: message !== null,
    ...(unexpected !== undefined && { unexpected }),
  };
}

/** A signal aborted (with TOO_LONG) at `deadline`, by the clock the deadline was set by; never without one. */
function deadlineSignal(now: Date, deadline: Date | undefined): { signal: AbortSignal; clear: () => void } {
  const controller = new AbortController();
  if (!deadline) return { signal: controller.signal, clear: () => {} };
  const timer = setTimeout(
    () => controller.abort(new SourceReadFailed(TOO_LONG)),
    Math.max(0, deadline.getTime() - now.getTime()),
  );
  return { signal: controller.signal, clear: () => clearTimeout(timer) };
}

/**
 * The work's result, or the signal's reason as soon as it is aborted: a reader that does not heed
 * the signal cannot hold the sync past its deadline (what it still does is bounded by its client).
 */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    work.catch(() => {});
    return Promise.reject(signal.reason as Error);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/**
 * Removes a source and withdraws its busy times (a `removed` BusyTimesChanged one version up), in
 * one write; retried over a concurrent sync's write. Returns the version of the removal, or null
 * when the source was gone already.
 *
 * Its write-back jobs are dropped first, so nothing more is written to the calendar being
 * disconnected: if the removal then fails, the caller's retry (the owner's, or the message's
 * redelivery) drops them again. A job recorded between the two finds no target and is dropped by
 * the worker.
 */
export async function removeSource(source: BusySource, deps: RemoveDeps, requestId?: string): Promise<number | null> {
  await deps.writeJobs.dropWriteJobs(source.id);
  for (let current: BusySource | null = source; current; current = await deps.sources.find(source.id)) {
    const now = deps.clock.now();
    const version = current.version + 1;
    const message = busyTimesChanged(current, version, busyWindow(now, deps.settings.windowDays), [], now, true);
    if (await deps.sources.remove(current.id, current.version, message, requestId)) {
      await deps.outbox.flush(current.id);
      return version;
    }
  }
  return null;
}
