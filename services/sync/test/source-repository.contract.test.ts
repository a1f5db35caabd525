/**
 * The SourceRepository port, against every adapter: memory always, MongoDB when MONGODB_URL is
 * set (or Docker can start one).
 */
import { createEnvelope } from '@slotkeeper/contracts';
import { describeContract } from '@slotkeeper/testing';
import { expect, it } from 'vitest';
import { MemorySourceRepository } from '../src/adapters/memory/memory-source-repository.js';
import { MongoSourceRepository } from '../src/adapters/mongo/mongo-source-repository.js';
import {
  newBusySource,
  type BusySource,
  type ObjectBusy,
  type SourceRepository,
  type SyncRecord,
} from '../src/domain/busy-source.js';

const CAL = 'cccccccccccccccccccccccc';
const OTHER_CAL = 'dddddddddddddddddddddddd';
const USER = 'aaaaaaaaaaaaaaaaaaaaaaaa';
const T0 = new Date('2030-06-01T12:00:00.000Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1_000);
const id = (n: number) => n.toString(16).padStart(24, '0');

const source = (n: number, more: Partial<BusySource> = {}): BusySource => ({
  ...newBusySource({
    id: id(n),
    calendarId: CAL,
    userId: USER,
    kind: 'ics',
    // Opaque to the store: the domain seals and opens it.
    sealedUrl: `v1.k1.sealed-url-${n}`,
    createdAt: at(n),
    ownerZone: 'Asia/Kolkata',
    nextSyncAt: at(0),
  }),
  ...more,
});

const record = (more: Partial<SyncRecord> = {}): SyncRecord => ({
  status: 'ok',
  lastSyncedAt: at(10),
  lastError: null,
  ownerZone: 'Europe/Berlin',
  version: 1,
  sync: { prior: { etag: '"e1"' }, fingerprint: 'f1', basis: 'b1' },
  nextSyncAt: at(310),
  ...more,
});

const busyMessage = (n: number, version: number, removed = false) =>
  createEnvelope(
    'BusyTimesChanged',
    {
      calendar_id: CAL,
      source_id: id(n),
      version,
      removed,
      window_start: at(0).toISOString(),
      window_end: at(86_400).toISOString(),
      busy: removed ? [] : [[at(100).getTime(), at(200).getTime()]],
    },
    at(10),
  );

type Repo = SourceRepository & { outbox: { pendingFor(id: string): Promise<Array<{ message: { id: string } }>> } };

await describeContract<Repo>(
  'SourceRepository',
  { memory: () => new MemorySourceRepository(), mongo: (connection) => new MongoSourceRepository(connection) },
  (repo) => {
    it('when sources are created, then they are found and listed by creation, per calendar', async () => {
      expect(await repo().create(source(2, { username: 'ann', sealedPassword: 'v1.k1.sealed' }), 10)).toBe(true);
      expect(await repo().create(source(1), 10)).toBe(true);
      expect(await repo().create(source(3, { calendarId: OTHER_CAL }), 10)).toBe(true);

      expect(await repo().find(id(2))).toEqual(source(2, { username: 'ann', sealedPassword: 'v1.k1.sealed' }));
      expect((await repo().listByCalendar(CAL)).map((s) => s.id)).toEqual([id(1), id(2)]);
      expect(await repo().find(id(9))).toBeNull();
    });

    it('when the calendar holds the most sources, then a creation is refused and nothing written', async () => {
      expect(await repo().create(source(1), 2)).toBe(true);
      expect(await repo().create(source(2), 2)).toBe(true);
      expect(await repo().create(source(3), 2)).toBe(false);
      expect(await repo().create(source(4, { calendarId: OTHER_CAL }), 2)).toBe(true);
      expect(await repo().listByCalendar(CAL)).toHaveLength(2);
    });

    it('when due sources are claimed, then each once, oldest due first, until its lease ends', async () => {
      await repo().create(source(1, { nextSyncAt: at(5) }), 10);
      await repo().create(source(2, { nextSyncAt: at(1) }), 10);
      await repo().create(source(3, { nextSyncAt: at(100) }), 10);
      const lease = (token: string) => ({ token, until: at(70) });

      expect((await repo().claimDue(at(10), lease('t1')))?.id).toBe(id(2));
      expect(await repo().claimDue(at(10), lease('t2'))).toMatchObject({ id: id(1), lease: lease('t2') });
      expect(await repo().claimDue(at(10), lease('t3'))).toBeNull();
      // The first lease ended without a record: the source is due again.
      expect((await repo().claimDue(at(80), { token: 't4', until: at(140) }))?.id).toBe(id(2));
    });

    it('when concurrent claims race, then every source goes to one claimer only', async () => {
      for (let n = 1; n <= 5; n++) await repo().create(source(n), 10);
      const claims = await Promise.all(
        Array.from({ length: 12 }, (_, n) => repo().claimDue(at(10), { token: `t${n}`, until: at(70) })),
      );
      const claimed = claims.filter((c) => c !== null).map((c) => c.id);
      expect(claimed.sort()).toEqual([1, 2, 3, 4, 5].map(id));
    });

    it('when the lease holder renews it, then it holds until the new end; another token or a gone source, refused', async () => {
      await repo().create(source(1, { lease: { token: 't1', until: at(70) } }), 10);

      expect(await repo().renewLease(id(1), 't1', at(200))).toBe(true);
      // Past the first end, the renewed lease still keeps claims off.
      expect(await repo().claimDue(at(100), { token: 't2', until: at(160) })).toBeNull();
      expect(await repo().find(id(1))).toMatchObject({ lease: { token: 't1', until: at(200) } });

      expect(await repo().renewLease(id(1), 't9', at(300))).toBe(false);
      expect(await repo().renewLease(id(9), 't1', at(300))).toBe(false);
      expect(await repo().find(id(1))).toMatchObject({ lease: { token: 't1', until: at(200) } });
    });

    it('when a sync records what the source holds already, then it is still recorded under its lease', async () => {
      await repo().create(source(1, { lease: { token: 't1', until: at(70) } }), 10);
      expect(await repo().recordSync(id(1), 't1', record(), null)).toBe(true);
      await repo().claimDue(at(400), { token: 't2', until: at(460) });
      // The same record again: only the lease changes.
      expect(await repo().recordSync(id(1), 't2', record(), null)).toBe(true);
      expect(await repo().find(id(1))).toMatchObject({ lease: null });
    });

    it('when a sync is recorded under its lease, then the source shows it, the lease is released and its message is pending', async () => {
      await repo().create(source(1, { lease: { token: 't1', until: at(70) } }), 10);
      const message = busyMessage(1, 1);

      expect(await repo().recordSync(id(1), 't1', record(), message)).toBe(true);

      expect(await repo().find(id(1))).toEqual({ ...source(1), ...record(), lease: null });
      expect((await repo().outbox.pendingFor(id(1))).map((m) => m.message.id)).toEqual([message.id]);
    });

    it('when a sync re-sealed the secrets, then they are stored with its record; otherwise the stored ones stand', async () => {
      const sealed = { username: 'ann', sealedUrl: 'v1.k1.url', sealedPassword: 'v1.k1.password' };
      await repo().create(source(1, { ...sealed, lease: { token: 't1', until: at(70) } }), 10);
      await repo().create(source(2, { ...sealed, lease: { token: 't2', until: at(70) } }), 10);
      const resealed = { sealedUrl: 'v1.k2.url', sealedPassword: 'v1.k2.password' };

      expect(await repo().recordSync(id(1), 't1', record(resealed), null)).toBe(true);
      expect(await repo().recordSync(id(2), 't2', record(), null)).toBe(true);

      expect(await repo().find(id(1))).toEqual({
        ...source(1),
        ...record(),
        username: 'ann',
        ...resealed,
        lease: null,
      });
      expect(await repo().find(id(2))).toMatchObject({ sealedUrl: 'v1.k1.url', sealedPassword: 'v1.k1.password' });
    });

    it('when the lease is no longer held, then the record is refused and nothing written', async () => {
      await repo().create(source(1, { lease: { token: 't1', until: at(70) } }), 10);
      await repo().claimDue(at(80), { token: 't2', until: at(140) });

      expect(await repo().recordSync(id(1), 't1', record(), busyMessage(1, 1))).toBe(false);

      expect(await repo().find(id(1))).toMatchObject({ version: 0, status: 'pending', lease: { token: 't2' } });
      expect(await repo().outbox.pendingFor(id(1))).toEqual([]);
      expect(await repo().recordSync(id(9), 't1', record(), null)).toBe(false);
    });

    it('when a failure is recorded without a message, then nothing is pending', async () => {
      await repo().create(source(1, { lease: { token: 't1', until: at(70) } }), 10);
      const failing = record({ status: 'failing', lastSyncedAt: null, lastError: 'HTTP 500', version: 0 });
      expect(await repo().recordSync(id(1), 't1', failing, null)).toBe(true);
      expect(await repo().find(id(1))).toMatchObject({ status: 'failing', lastError: 'HTTP 500', lease: null });
      expect(await repo().outbox.pendingFor(id(1))).toEqual([]);
    });

    it('when a source is removed at its version, then it is gone and its removal is pending; at another version, refused', async () => {
      await repo().create(source(1, { version: 3 }), 10);
      expect(await repo().remove(id(1), 2, busyMessage(1, 3, true))).toBe(false);
      expect(await repo().outbox.pendingFor(id(1))).toEqual([]);

      const removal = busyMessage(1, 4, true);
      expect(await repo().remove(id(1), 3, removal)).toBe(true);

      expect(await repo().find(id(1))).toBeNull();
      expect(await repo().listByCalendar(CAL)).toEqual([]);
      expect((await repo().outbox.pendingFor(id(1))).map((m) => m.message.id)).toEqual([removal.id]);
      expect(await repo().remove(id(1), 3, busyMessage(1, 4, true))).toBe(false);
    });

    const object = (href: string, hour: number, etag = '"1"'): ObjectBusy => ({
      href,
      etag,
      busy: [{ start: at(hour * 3_600).getTime(), end: at(hour * 3_600 + 1_800).getTime() }],
    });
    const objectsOf = async (n: number) => (await repo().objectsOf(id(n))).sort((a, b) => a.href.localeCompare(b.href));

    it('when a sync stores its objects, then a full read replaces them and an incremental one upserts and removes, per source', async () => {
      await repo().create(source(1, { kind: 'caldav', lease: { token: 't1', until: at(70) } }), 10);
      await repo().create(source(2, { kind: 'caldav', lease: { token: 't2', until: at(70) } }), 10);
      const full = { replace: true as const, objects: [object('/c/a.ics', 1), object('/c/b.ics', 2)] };
      expect(await repo().recordSync(id(1), 't1', record(), busyMessage(1, 1), undefined, full)).toBe(true);
      expect(await repo().recordSync(id(2), 't2', record(), null, undefined, { ...full, objects: [] })).toBe(true);
      expect(await objectsOf(1)).toEqual(full.objects);
      expect(await objectsOf(2)).toEqual([]);

      await repo().claimDue(at(400), { token: 't3', until: at(460) });
      const changes = {
        replace: false as const,
        upserts: [object('/c/b.ics', 5, '"2"'), object('/c/d.ics', 6)],
        deletions: ['/c/a.ics', '/c/never-stored.ics'],
      };
      expect(await repo().recordSync(id(1), 't3', record({ version: 2 }), null, undefined, changes)).toBe(true);
      expect(await objectsOf(1)).toEqual([object('/c/b.ics', 5, '"2"'), object('/c/d.ics', 6)]);

      await repo().claimDue(at(800), { token: 't4', until: at(860) });
      expect(await repo().recordSync(id(1), 't4', record({ version: 2 }), null, undefined, full)).toBe(true);
      expect(await objectsOf(1)).toEqual(full.objects);
    });

    it('when the lease is no longer held, then the objects stay as they were', async () => {
      await repo().create(source(1, { kind: 'caldav', lease: { token: 't1', until: at(70) } }), 10);
      const first = { replace: true as const, objects: [object('/c/a.ics', 1)] };
      await repo().recordSync(id(1), 't1', record(), null, undefined, first);
      await repo().claimDue(at(400), { token: 't2', until: at(460) });

      const stale = { replace: false as const, upserts: [object('/c/b.ics', 2)], deletions: ['/c/a.ics'] };
      expect(await repo().recordSync(id(1), 't1', record(), null, undefined, stale)).toBe(false);
      expect(await repo().recordSync(id(1), 't1', record(), null, undefined, { replace: true, objects: [] })).toBe(
        false,
      );

      expect(await objectsOf(1)).toEqual(first.objects);
    });

    it('when a source is removed, then its objects go with it', async () => {
      await repo().create(source(1, { kind: 'caldav', lease: { token: 't1', until: at(70) } }), 10);
      await repo().recordSync(id(1), 't1', record(), null, undefined, {
        replace: true,
        objects: [object('/c/a.ics', 1)],
      });

      expect(await repo().remove(id(1), 1, busyMessage(1, 2, true))).toBe(true);

      expect(await repo().objectsOf(id(1))).toEqual([]);
    });

    it('write targets are the calendar’s CalDAV sources that write bookings', async () => {
      await repo().create(source(1, { kind: 'caldav', writeBookings: true }), 10);
      await repo().create(source(2, { kind: 'caldav' }), 10);
      await repo().create(source(3), 10);
      await repo().create(source(4, { kind: 'caldav', writeBookings: true, calendarId: OTHER_CAL }), 10);
      expect((await repo().writeTargets(CAL)).map((s) => s.id)).toEqual([id(1)]);
    });
  },
);
