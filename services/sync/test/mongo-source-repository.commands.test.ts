/**
 * The sync service's MongoDB adapter at the command level, against the recording layer under
 * mongoose: what each method sends to the driver. Runs everywhere.
 */
import { createEnvelope, type Envelope } from '@slotkeeper/contracts';
import { SecretBox } from '@slotkeeper/secret-box';
import { onlyCommand, servedBy, useMongoRecorder } from '@slotkeeper/testing';
import { ManualClock } from '@slotkeeper/time';
import { describe, expect, it } from 'vitest';
import { MongoSourceRepository } from '../src/adapters/mongo/mongo-source-repository.js';
import { newBusySource, urlContext, type BusySource, type SyncRecord } from '../src/domain/busy-source.js';
import { createBusySource, type BusySourceDeps } from '../src/domain/busy-source-use-cases.js';
import { secretKeys } from './sync-system.js';

const CAL = 'cccccccccccccccccccccccc';
const SOURCE = '111111111111111111111111';
const USER = 'aaaaaaaaaaaaaaaaaaaaaaaa';
const AT = new Date('2030-06-01T12:00:00.000Z');
const LATER = new Date('2030-06-01T12:02:00.000Z');
const EPOCH = new Date(0);

const source: BusySource = newBusySource({
  id: SOURCE,
  calendarId: CAL,
  userId: USER,
  kind: 'caldav',
  sealedUrl: 'v1.k1.url-iv.url-ct.url-tag',
  username: 'ann',
  sealedPassword: 'v1.k1.iv.ct.tag',
  writeBookings: true,
  createdAt: AT,
  ownerZone: 'Asia/Kolkata',
  lease: { token: 'lease-1', until: LATER },
});
/** `source` as `busy_sources` holds it. */
const sourceDoc = {
  _id: SOURCE,
  calendar_id: CAL,
  user_id: USER,
  kind: 'caldav',
  sealed_url: 'v1.k1.url-iv.url-ct.url-tag',
  username: 'ann',
  sealed_password: 'v1.k1.iv.ct.tag',
  write_bookings: true,
  status: 'pending',
  last_synced_at: null,
  last_error: null,
  created_at: AT,
  owner_zone: 'Asia/Kolkata',
  version: 0,
  sync: { prior: { etag: null, last_modified: null, ctag: null, sync_token: null }, fingerprint: null, basis: null },
  next_sync_at: AT,
  lease_token: 'lease-1',
  lease_until: LATER,
};
const synced: SyncRecord = {
  status: 'ok',
  lastSyncedAt: AT,
  lastError: null,
  ownerZone: 'Asia/Kolkata',
  version: 1,
  sync: { prior: { ctag: 'c1', syncToken: 's1' }, fingerprint: 'f1', basis: 'b1' },
  nextSyncAt: LATER,
};
const message = (removed = false): Envelope =>
  createEnvelope(
    'BusyTimesChanged',
    {
      calendar_id: CAL,
      source_id: SOURCE,
      version: 1,
      removed,
      window_start: AT.toISOString(),
      window_end: LATER.toISOString(),
      busy: [],
    },
    AT,
  );

const { rec, repository: sources } = useMongoRecorder((connection) => new MongoSourceRepository(connection), {
  clear: true,
});

const trail = () => rec.commands.filter((c) => c.collection !== '$session').map((c) => `${c.collection}.${c.method}`);
const allInOneTransaction = () =>
  rec.commands.filter((c) => c.collection !== '$session').every((c) => c.session === 1 && c.inTransaction);

describe('creating a source', () => {
  it('when created, then the calendar guard, the count and the insert run in one transaction', async () => {
    rec.answer('busy_sources', 'countDocuments', 3);
    expect(await sources.create(source, 10)).toBe(true);
    expect(trail()).toEqual([
      'busy_source_calendars.updateOne',
      'busy_sources.countDocuments',
      'busy_sources.insertOne',
    ]);
    expect(allInOneTransaction()).toBe(true);
    expect(rec.on('busy_source_calendars', 'updateOne')[0]!.args.slice(0, 2)).toEqual([
      { _id: CAL },
      { $inc: { creations: 1 } },
    ]);
    expect(rec.on('busy_sources', 'insertOne')[0]!.args[0]).toEqual(sourceDoc);
  });

  it('when an owner adds a source with a secret address, then the inserted document holds it sealed, never plain', async () => {
    const secretUrl = 'https://calendar.google.com/calendar/ical/ann%40example.com/private-5e3c9a1f/basic.ics';
    const secrets = SecretBox.fromEnv(secretKeys());
    const deps: BusySourceDeps = {
      sources,
      secrets,
      owners: { ownerOf: async () => ({ calendarId: CAL, userId: USER, timezone: 'Asia/Kolkata', name: 'Work' }) },
      urls: { check: async () => ({ ok: true }) },
      // The first sync is the scheduler's: here it loses its lease at once, and writes nothing.
      syncer: { syncNow: async () => ({ kind: 'lost' }) },
      reader: { read: async () => ({ changed: false }) },
      outbox: { flush: async () => {} },
      writeJobs: { dropWriteJobs: async () => {} },
      bookings: { awaitApplied: async () => {} },
      clock: new ManualClock(AT.toISOString()),
      settings: { intervalMs: 300_000, windowDays: 365 },
      firstSyncWaitMs: 10,
      leaseMs: 120_000,
    };

    const created = await createBusySource(
      { kind: 'user', userId: USER },
      CAL,
      { kind: 'ics', url: secretUrl, credentials: { username: 'ann', password: 'pa55-w0rd' }, writeBookings: false },
      deps,
    );

    const [inserted] = rec.on('busy_sources', 'insertOne').map((c) => c.args[0] as Record<string, unknown>);
    expect(JSON.stringify(inserted)).not.toContain('private-5e3c9a1f');
    expect(JSON.stringify(inserted)).not.toContain('pa55-w0rd');
    expect(inserted).not.toHaveProperty('url');
    expect(secrets.open(inserted!.sealed_url as string, urlContext(created.id))).toBe(secretUrl);
  });

  it('when the calendar holds the most sources, then nothing is inserted', async () => {
    rec.answer('busy_sources', 'countDocuments', 10);
    expect(await sources.create(source, 10)).toBe(false);
    expect(rec.on('busy_sources', 'insertOne')).toEqual([]);
  });
});

describe('claiming due sources', () => {
  it('is one findOneAndUpdate: due, not leased, oldest due first, served by an index', async () => {
    rec.answer('busy_sources', 'findOneAndUpdate', { ...sourceDoc, lease_token: 'lease-2' });
    const claimed = await sources.claimDue(AT, { token: 'lease-2', until: LATER });
    expect(claimed).toMatchObject({ id: SOURCE, lease: { token: 'lease-2', until: LATER } });
    const command = onlyCommand(rec.on('busy_sources'));
    expect(command.method).toBe('findOneAndUpdate');
    expect(command.args[0]).toEqual({ next_sync_at: { $lte: AT }, lease_until: { $lte: AT } });
    expect(command.args[1]).toEqual({ $set: { lease_token: 'lease-2', lease_until: LATER } });
    expect(command.args[2]).toMatchObject({ sort: { next_sync_at: 1 } });
    expect(servedBy(command, rec.indexes())?.options.name).toBe('due');
  });

  it('when nothing is due, then null', async () => {
    expect(await sources.claimDue(AT, { token: 'lease-2', until: LATER })).toBeNull();
  });
});

describe('renewing a lease', () => {
  it('is one update of its end, only while the token holds it', async () => {
    expect(await sources.renewLease(SOURCE, 'lease-1', LATER)).toBe(true);
    const command = onlyCommand(rec.on('busy_sources'));
    expect(command.method).toBe('updateOne');
    expect(command.args.slice(0, 2)).toEqual([
      { _id: SOURCE, lease_token: 'lease-1' },
      { $set: { lease_until: LATER } },
    ]);
  });

  it('when the token no longer holds it, then false', async () => {
    rec.answer('busy_sources', 'updateOne', { acknowledged: true, matchedCount: 0, modifiedCount: 0 });
    expect(await sources.renewLease(SOURCE, 'lease-1', LATER)).toBe(false);
  });

  it('when it renews to the end it has already, then true', async () => {
    rec.answer('busy_sources', 'updateOne', { acknowledged: true, matchedCount: 1, modifiedCount: 0 });
    expect(await sources.renewLease(SOURCE, 'lease-1', LATER)).toBe(true);
  });
});

describe('recording a sync', () => {
  it('when it publishes, then the conditional update and the message commit together', async () => {
    expect(await sources.recordSync(SOURCE, 'lease-1', synced, message(), 'req-1')).toBe(true);
    expect(trail()).toEqual(['busy_sources.updateOne', 'sync_outbox.insertMany']);
    expect(allInOneTransaction()).toBe(true);
    expect(rec.on('busy_sources', 'updateOne')[0]!.args.slice(0, 2)).toEqual([
      { _id: SOURCE, lease_token: 'lease-1' },
      {
        $set: {
          status: 'ok',
          last_synced_at: AT,
          last_error: null,
          owner_zone: 'Asia/Kolkata',
          version: 1,
          sync: {
            prior: { etag: null, last_modified: null, ctag: 'c1', sync_token: 's1' },
            fingerprint: 'f1',
            basis: 'b1',
          },
          next_sync_at: LATER,
          lease_token: null,
          lease_until: EPOCH,
        },
      },
    ]);
    const [outboxDoc] = rec.on('sync_outbox', 'insertMany')[0]!.args[0] as Array<Record<string, unknown>>;
    expect(outboxDoc).toMatchObject({
      aggregate_id: SOURCE,
      request_id: 'req-1',
      message: { type: 'BusyTimesChanged' },
    });
  });

  it('when it publishes nothing, then one update, no transaction', async () => {
    expect(await sources.recordSync(SOURCE, 'lease-1', synced, null)).toBe(true);
    expect(trail()).toEqual(['busy_sources.updateOne']);
    expect(rec.sessionEvents).toEqual([]);
  });

  it('when the sync re-sealed the secrets, then they are set in the same conditional update', async () => {
    const resealed = { ...synced, sealedUrl: 'v1.k2.url', sealedPassword: 'v1.k2.password' };
    expect(await sources.recordSync(SOURCE, 'lease-1', resealed, null)).toBe(true);
    const command = onlyCommand(rec.on('busy_sources'));
    expect(command.args[0]).toEqual({ _id: SOURCE, lease_token: 'lease-1' });
    expect(command.args[1]).toMatchObject({
      $set: { sealed_url: 'v1.k2.url', sealed_password: 'v1.k2.password', version: 1, lease_token: null },
    });
  });

  it('when the sync did not re-seal, then the secrets are not written', async () => {
    await sources.recordSync(SOURCE, 'lease-1', synced, null);
    const { $set } = onlyCommand(rec.on('busy_sources')).args[1] as { $set: Record<string, unknown> };
    expect($set).not.toHaveProperty('sealed_url');
    expect($set).not.toHaveProperty('sealed_password');
  });

  it('when the update matches under the lease but changes nothing, then it is recorded and its message added', async () => {
    // A server that finds every field already as set: matched, not modified; the lease held all the same.
    rec.answer('busy_sources', 'updateOne', { acknowledged: true, matchedCount: 1, modifiedCount: 0 });
    expect(await sources.recordSync(SOURCE, 'lease-1', synced, message())).toBe(true);
    expect(trail()).toEqual(['busy_sources.updateOne', 'sync_outbox.insertMany']);
  });

  it('when the lease is lost, then false and no message', async () => {
    rec.answer('busy_sources', 'updateOne', { acknowledged: true, matchedCount: 0, modifiedCount: 0 });
    expect(await sources.recordSync(SOURCE, 'lease-1', synced, message())).toBe(false);
    expect(rec.on('sync_outbox', 'insertMany')).toEqual([]);
  });
});

describe('recording a sync with its CalDAV objects', () => {
  const object = (href: string, start: number) => ({
    href,
    etag: `"${href}"`,
    busy: [{ start, end: start + 3_600_000 }],
  });
  const objectDoc = (href: string, start: number) => ({
    _id: `${SOURCE}:${href}`,
    source_id: SOURCE,
    href,
    etag: `"${href}"`,
    busy: [[start, start + 3_600_000]],
  });

  it('when a full read replaces them, then the guarded update, the deletion, the insert and the message commit together', async () => {
    const objects = { replace: true as const, objects: [object('/c/a.ics', 1_000), object('/c/b.ics', 2_000)] };

    expect(await sources.recordSync(SOURCE, 'lease-1', synced, message(), 'req-1', objects)).toBe(true);

    expect(trail()).toEqual([
      'busy_sources.updateOne',
      'busy_source_objects.deleteMany',
      'busy_source_objects.insertMany',
      'sync_outbox.insertMany',
    ]);
    expect(allInOneTransaction()).toBe(true);
    expect(rec.on('busy_sources', 'updateOne')[0]!.args[0]).toEqual({ _id: SOURCE, lease_token: 'lease-1' });
    const deletion = onlyCommand(rec.on('busy_source_objects', 'deleteMany'));
    expect(deletion.args[0]).toEqual({ source_id: SOURCE });
    expect(servedBy(deletion, rec.indexes())?.options.name).toBe('by_source');
    expect(rec.on('busy_source_objects', 'insertMany')[0]!.args[0]).toEqual([
      objectDoc('/c/a.ics', 1_000),
      objectDoc('/c/b.ics', 2_000),
    ]);
  });

  it('when an incremental read changed some, then one bulk write removes and upserts them by id, in the transaction, with no message', async () => {
    const objects = {
      replace: false as const,
      upserts: [object('/c/a.ics', 5_000)],
      deletions: ['/c/b.ics'],
    };

    expect(await sources.recordSync(SOURCE, 'lease-1', synced, null, undefined, objects)).toBe(true);

    expect(trail()).toEqual(['busy_sources.updateOne', 'busy_source_objects.bulkWrite']);
    expect(allInOneTransaction()).toBe(true);
    expect(rec.on('busy_source_objects', 'bulkWrite')[0]!.args[0]).toEqual([
      { deleteOne: { filter: { _id: `${SOURCE}:/c/b.ics` } } },
      {
        replaceOne: {
          filter: { _id: `${SOURCE}:/c/a.ics` },
          replacement: objectDoc('/c/a.ics', 5_000),
          upsert: true,
        },
      },
    ]);
  });

  it('when an incremental read changed none, then one update, no transaction', async () => {
    const objects = { replace: false as const, upserts: [], deletions: [] };
    expect(await sources.recordSync(SOURCE, 'lease-1', synced, null, undefined, objects)).toBe(true);
    expect(trail()).toEqual(['busy_sources.updateOne']);
    expect(rec.sessionEvents).toEqual([]);
  });

  it('when the lease is lost, then false and no object is written', async () => {
    rec.answer('busy_sources', 'updateOne', { acknowledged: true, matchedCount: 0, modifiedCount: 0 });
    const objects = { replace: true as const, objects: [object('/c/a.ics', 1_000)] };
    expect(await sources.recordSync(SOURCE, 'lease-1', synced, null, undefined, objects)).toBe(false);
    expect(trail()).toEqual(['busy_sources.updateOne']);
  });

  it('a source’s objects are read through the source index', async () => {
    rec.answer('busy_source_objects', 'find', [objectDoc('/c/a.ics', 1_000)]);
    expect(await sources.objectsOf(SOURCE)).toEqual([object('/c/a.ics', 1_000)]);
    const command = onlyCommand(rec.on('busy_source_objects'));
    expect(command.args[0]).toEqual({ source_id: SOURCE });
    expect(servedBy(command, rec.indexes())?.options.name).toBe('by_source');
  });
});

describe('removing a source', () => {
  it('deletes at the expected version, with its objects, and adds its removal in one transaction', async () => {
    expect(await sources.remove(SOURCE, 0, message(true))).toBe(true);
    expect(trail()).toEqual(['busy_sources.deleteOne', 'busy_source_objects.deleteMany', 'sync_outbox.insertMany']);
    expect(allInOneTransaction()).toBe(true);
    expect(rec.on('busy_sources', 'deleteOne')[0]!.args[0]).toEqual({ _id: SOURCE, version: 0 });
    expect(rec.on('busy_source_objects', 'deleteMany')[0]!.args[0]).toEqual({ source_id: SOURCE });
  });

  it('when the version moved on, then false, no message and its objects stay', async () => {
    rec.answer('busy_sources', 'deleteOne', { acknowledged: true, deletedCount: 0 });
    expect(await sources.remove(SOURCE, 0, message(true))).toBe(false);
    expect(rec.on('sync_outbox', 'insertMany')).toEqual([]);
    expect(rec.on('busy_source_objects')).toEqual([]);
  });
});

describe('reads', () => {
  it('a calendar’s list and its write targets are served by the calendar index, in creation order', async () => {
    rec.answer('busy_sources', 'find', [sourceDoc]);
    rec.answer('busy_sources', 'find', [sourceDoc, { ...sourceDoc, _id: 'x', write_bookings: false }]);
    expect(await sources.listByCalendar(CAL)).toEqual([source]);
    expect((await sources.writeTargets(CAL)).map((s) => s.id)).toEqual([SOURCE]);
    for (const command of rec.on('busy_sources', 'find')) {
      expect(command.args[1]).toMatchObject({ sort: { created_at: 1, _id: 1 } });
      expect(servedBy(command, rec.indexes())?.options.name).toBe('by_calendar');
    }
  });
});
