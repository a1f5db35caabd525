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
  /** Its calendar is gone: the source was removed, its busy times withdrawn. */
  | { kind: 'removed' }
  /** Nothing written: the lease was lost, or the source removed meanwhile. */
  | { kind: 'lost' };

/**
 * Syncs one source held under the lease `token`: reads it (conditionally, when the basis of the
 * last read still holds), and writes the outcome. A change of the busy set raises its version and
 * leaves a BusyTimesChanged in the outbox in the same write; an unchanged one or a failure
 * publishes nothing, and a failure keeps the last good busy times where the booking service has them.
 * Secrets sealed under a key that no longer seals are re-sealed in that same write, whatever the
 * read's outcome; secrets that will not open make the source `failing`.
 */
export async function syncSource(
  source: BusySource,
  token: string,
  deps: SyncDeps,
  requestId?: string,
): Promise<SyncOutcome> {
  const now = deps.clock.now();
  const owner = await deps.owners.ownerOf(source.calendarId).then(
    (found) => found ?? ('gone' as const),
    // The calendar service is unreachable: the zone last learned serves.
    () => null,
  );
  if (owner === 'gone') return (await removeSource(source, deps, requestId)) ? { kind: 'removed' } : { kind: 'lost' };
  const ownerZone = owner?.timezone ?? source.ownerZone;
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
    const result = await deps.reader.read({
      kind: source.kind,
      url: secrets.url,
      credentials: secrets.credentials,
      // Another basis (window, zone): a full read, which replaces the stored objects.
      prior: source.sync.basis === basis ? source.sync.prior : {},
      window,
      ownerZone,
      calendarId: source.calendarId,
      storedObjects: () => deps.sources.objectsOf(source.id),
    });
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
