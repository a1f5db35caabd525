import type { BusySourceKind, BusySourceStatus, Envelope } from '@slotkeeper/contracts';
import type { Interval } from '@slotkeeper/time';
import type { Credentials } from './ports.js';

/**
 * What a source's server told us to send back on the next request so that it can answer
 * "unchanged" (HTTP validators for an ICS URL; ctag and sync-token for a CalDAV collection).
 */
export interface SyncPrior {
  etag?: string | null;
  lastModified?: string | null;
  ctag?: string | null;
  syncToken?: string | null;
}

/** What the last successful expansion was based on; a request conditional on `prior` is valid only on the same basis. */
export interface SyncState {
  prior: SyncPrior;
  /** A digest of the busy set last published (null: none published yet). */
  fingerprint: string | null;
  /** The window and zone the last expansion used (`start|end|zone`); another basis needs a full read. */
  basis: string | null;
}

/**
 * The busy time one object of a CalDAV collection contributes, clipped to the window of the read
 * that expanded it. A collection's busy set is the union over its objects: CalDAV keeps a recurring
 * series and all its overrides in one object (RFC 4791 §4.1), so each object expands alone, and an
 * incremental sync expands only the objects that changed. Objects that add no busy time (outside
 * the window, free, our own write-back copies) are not kept.
 */
export interface ObjectBusy {
  /** The object's path in the collection. */
  href: string;
  etag: string | null;
  busy: Interval[];
}

/** How a read changes a source's stored objects: all of them anew, or some added, replaced and removed. */
export type ObjectChanges =
  { replace: true; objects: ObjectBusy[] } | { replace: false; upserts: ObjectBusy[]; deletions: string[] };

/** Who holds the right to sync a source now, until when: one sync of a source at a time, across instances. */
export interface Lease {
  token: string;
  until: Date;
}

export interface BusySource {
  id: string;
  calendarId: string;
  /** The calendar's owner when the source was added. */
  userId: string;
  kind: BusySourceKind;
  /**
   * The URL as the owner gave it (`webcal:` kept), sealed (context `busy_source:<id>:url`): a
   * "secret address" (Google, iCloud, Outlook's published links) is itself the credential. Opened
   * only to read the source, to write back to it and to show it to its owner; never logged.
   */
  sealedUrl: string;
  username: string | null;
  /** The password sealed for this source (context `busy_source:<id>`); never returned or logged. */
  sealedPassword: string | null;
  writeBookings: boolean;
  status: BusySourceStatus;
  /** The last sync that succeeded. */
  lastSyncedAt: Date | null;
  /** Why the last sync failed, in words safe to show the owner; null when it succeeded. */
  lastError: string | null;
  createdAt: Date;
  /** The owner's zone as last learned: all-day and floating times are read in it. */
  ownerZone: string;
  /** The busy set's version: 0 before any was published, +1 with every BusyTimesChanged. */
  version: number;
  sync: SyncState;
  nextSyncAt: Date;
  lease: Lease | null;
}

/** Whether bookings are written to the source: CalDAV sources with `write_bookings` only. */
export const writesBookings = (source: Pick<BusySource, 'kind' | 'writeBookings'>): boolean =>
  source.kind === 'caldav' && source.writeBookings;

/** What a new source is given; the rest starts as no sync has run yet. */
export type NewBusySource = Pick<
  BusySource,
  'id' | 'calendarId' | 'userId' | 'kind' | 'sealedUrl' | 'createdAt' | 'ownerZone'
> &
  Partial<Pick<BusySource, 'username' | 'sealedPassword' | 'writeBookings' | 'nextSyncAt' | 'lease'>>;

/**
 * A source as its creation stores it: `pending`, never synced, its busy set at version 0; without
 * credentials, not writing bookings, due at its creation and not leased unless told otherwise.
 */
export const newBusySource = (fields: NewBusySource): BusySource => ({
  username: null,
  sealedPassword: null,
  writeBookings: false,
  nextSyncAt: fields.createdAt,
  lease: null,
  ...fields,
  status: 'pending',
  lastSyncedAt: null,
  lastError: null,
  version: 0,
  sync: { prior: {}, fingerprint: null, basis: null },
});

/**
 * What a sync writes over a source; with `sealedUrl` and `sealedPassword` when it re-sealed them
 * under the current key (a key rotation), in the same write.
 */
export type SyncRecord = Pick<
  BusySource,
  'status' | 'lastSyncedAt' | 'lastError' | 'ownerZone' | 'version' | 'sync' | 'nextSyncAt'
> &
  Partial<Pick<BusySource, 'sealedUrl' | 'sealedPassword'>>;

/**
 * The sync service's store of busy sources. Every change that moves a source's busy times is
 * written with its `BusyTimesChanged` message (the adapter's outbox, aggregate = source id) in
 * one atomic step.
 */
export interface SourceRepository {
  /** Adds the source unless its calendar holds `max` sources already (false: nothing written). */
  create(source: BusySource, max: number): Promise<boolean>;
  find(id: string): Promise<BusySource | null>;
  /** A calendar's sources, by creation, then id. */
  listByCalendar(calendarId: string): Promise<BusySource[]>;
  /**
   * Leases one source that is due (`nextSyncAt <= now`) and not leased (no lease, or an expired
   * one), in one atomic step, so that no two instances sync one source at once; null when none is due.
   */
  claimDue(now: Date, lease: Lease): Promise<BusySource | null>;
  /**
   * Extends the lease `token` holds to `until` (a sync that waited for a worker gets a whole lease
   * to run in); false, and nothing written, when `token` no longer holds it or the source is gone.
   */
  renewLease(id: string, token: string, until: Date): Promise<boolean>;
  /**
   * Writes a sync's outcome, its message (if any) and the changes to its stored objects (if any),
   * and releases the lease, in one atomic step, only while `token` still holds the lease; false,
   * and nothing written, otherwise (the lease expired and another sync took the source, or the
   * source was removed). So the stored objects are always those of the stored `sync.prior`.
   */
  recordSync(
    id: string,
    token: string,
    record: SyncRecord,
    message: Envelope | null,
    requestId?: string,
    objects?: ObjectChanges,
  ): Promise<boolean>;
  /** The stored objects of a CalDAV source, as its syncs left them (any order). */
  objectsOf(id: string): Promise<ObjectBusy[]>;
  /**
   * Deletes the source and its stored objects with its removal message in one atomic step, only if
   * its busy set is still at `expectedVersion`; false, and nothing written, otherwise.
   */
  remove(id: string, expectedVersion: number, message: Envelope, requestId?: string): Promise<boolean>;
  /** The calendar's CalDAV sources with `writeBookings`, by creation. */
  writeTargets(calendarId: string): Promise<BusySource[]>;
}

/** Publishes what a write left in the outbox; never throws (a sweep retries what it could not send). */
export interface OutboxPublisher {
  flush(aggregateId: string): Promise<void>;
}

/** Seals secrets for storage and opens them again (AES-GCM under the operator's keys). */
export interface SecretSealer {
  seal(plain: string, context: string): string;
  /** Throws when the secret cannot be opened (its key is gone, or it was tampered with). */
  open(sealed: string, context: string): string;
  /**
   * Whether an opened secret was sealed under a key other than the current one: syncs re-seal it,
   * finishing a key rotation. Without it, secrets stay as they were sealed.
   */
  needsResealing?(sealed: string): boolean;
}

/** Whether an owner's URL may be called: refused when it names or resolves to a non-public address. */
export interface UrlPolicy {
  check(url: string): Promise<{ ok: true } | { ok: false; reason: string }>;
}

export interface ReadRequest {
  kind: BusySourceKind;
  url: string;
  credentials: Credentials | null;
  /** Empty for a full read. */
  prior: SyncPrior;
  window: Interval;
  ownerZone: string;
  /** Events this calendar's write-back put in the source are not busy time. */
  calendarId: string;
  /**
   * Aborted at the sync's deadline (before its lease ends): the reader then sends no further
   * request and stops at its next expansion turn, rejecting with the signal's reason.
   */
  signal?: AbortSignal;
  /**
   * The objects the last read of this source left (on the same `prior`): an incremental read
   * merges its changes into them. Loaded only when the server answers with changes.
   */
  storedObjects: () => Promise<ObjectBusy[]>;
}

export type ReadResult =
  | { changed: false }
  | {
      changed: true;
      busy: Interval[];
      prior: SyncPrior;
      /** A digest of `busy`. */
      fingerprint: string;
      /** What to store of a CalDAV collection's objects; none for an ICS feed (one text). */
      objects?: ObjectChanges;
    };

/** Reads a source's busy times (fetch, parse, expand); throws SourceReadFailed. */
export interface SourceReader {
  read(request: ReadRequest): Promise<ReadResult>;
}

/** A source could not be read; the message is safe to show its owner (no URL path, no credentials, no body). */
export class SourceReadFailed extends Error {
  override name = 'SourceReadFailed';
}

/** The booking service's view of busy sources: when it has applied a version of one. */
export interface BookingBusySync {
  /**
   * Resolves once the booking service has applied `version` of the source (or a newer one);
   * throws ServiceUnavailableError if that does not happen within a bounded time.
   */
  awaitApplied(calendarId: string, sourceId: string, version: number): Promise<void>;
}

/** The context a source's password is sealed under: a sealed password copied to another source will not open. */
export const secretContext = (sourceId: string) => `busy_source:${sourceId}`;

/** The context a source's URL is sealed under: its own, so a URL and a password never open as each other. */
export const urlContext = (sourceId: string) => `busy_source:${sourceId}:url`;
