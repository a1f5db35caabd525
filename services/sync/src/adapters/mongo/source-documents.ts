import type { BusySource, SyncRecord } from '../../domain/busy-source.js';

/** No lease: a lease that ended at the epoch, so "due" is one range on `lease_until`. */
export const NO_LEASE = new Date(0);

/**
 * A busy source as `busy_sources` holds it: snake_case, the URL and the password sealed. Nothing
 * queries by URL (sources are found by id, calendar and due time), so it needs no clear form.
 */
export interface SourceDoc {
  _id: string;
  calendar_id: string;
  user_id: string;
  kind: BusySource['kind'];
  sealed_url: string;
  username: string | null;
  sealed_password: string | null;
  write_bookings: boolean;
  status: BusySource['status'];
  last_synced_at: Date | null;
  last_error: string | null;
  created_at: Date;
  owner_zone: string;
  version: number;
  sync: {
    prior: { etag: string | null; last_modified: string | null; ctag: string | null; sync_token: string | null };
    fingerprint: string | null;
    basis: string | null;
  };
  next_sync_at: Date;
  lease_token: string | null;
  lease_until: Date;
}

/** The fields a sync writes. */
export const toSyncFields = (s: SyncRecord): SyncFields => ({
  status: s.status,
  last_synced_at: s.lastSyncedAt,
  last_error: s.lastError,
  owner_zone: s.ownerZone,
  version: s.version,
  sync: {
    prior: {
      etag: s.sync.prior.etag ?? null,
      last_modified: s.sync.prior.lastModified ?? null,
      ctag: s.sync.prior.ctag ?? null,
      sync_token: s.sync.prior.syncToken ?? null,
    },
    fingerprint: s.sync.fingerprint,
    basis: s.sync.basis,
  },
  next_sync_at: s.nextSyncAt,
});
export type SyncFields = Pick<
  SourceDoc,
  'status' | 'last_synced_at' | 'last_error' | 'owner_zone' | 'version' | 'sync' | 'next_sync_at'
>;

/** The secrets a sync re-sealed under the current key, if it did; else nothing. */
export const toResealedFields = (s: SyncRecord): Partial<Pick<SourceDoc, 'sealed_url' | 'sealed_password'>> => ({
  ...(s.sealedUrl !== undefined && { sealed_url: s.sealedUrl }),
  ...(s.sealedPassword !== undefined && { sealed_password: s.sealedPassword }),
});

export const toSourceDoc = (s: BusySource): SourceDoc => ({
  _id: s.id,
  calendar_id: s.calendarId,
  user_id: s.userId,
  kind: s.kind,
  sealed_url: s.sealedUrl,
  username: s.username,
  sealed_password: s.sealedPassword,
  write_bookings: s.writeBookings,
  created_at: s.createdAt,
  ...toSyncFields(s),
  lease_token: s.lease?.token ?? null,
  lease_until: s.lease?.until ?? NO_LEASE,
});

const present = <T>(value: T | null | undefined) => value ?? null;

export const toSource = (doc: SourceDoc): BusySource => ({
  id: doc._id,
  calendarId: doc.calendar_id,
  userId: doc.user_id,
  kind: doc.kind,
  sealedUrl: doc.sealed_url,
  username: present(doc.username),
  sealedPassword: present(doc.sealed_password),
  writeBookings: doc.write_bookings,
  status: doc.status,
  lastSyncedAt: present(doc.last_synced_at),
  lastError: present(doc.last_error),
  createdAt: doc.created_at,
  ownerZone: doc.owner_zone,
  version: doc.version,
  sync: {
    // Only what the server gave: a validator it never sent is no field at all, as the domain wrote it.
    prior: Object.fromEntries(
      Object.entries({
        etag: doc.sync?.prior?.etag,
        lastModified: doc.sync?.prior?.last_modified,
        ctag: doc.sync?.prior?.ctag,
        syncToken: doc.sync?.prior?.sync_token,
      }).filter(([, value]) => value != null),
    ),
    fingerprint: present(doc.sync?.fingerprint),
    basis: present(doc.sync?.basis),
  },
  nextSyncAt: doc.next_sync_at,
  lease:
    doc.lease_token && doc.lease_until.getTime() > NO_LEASE.getTime()
      ? { token: doc.lease_token, until: doc.lease_until }
      : null,
});
