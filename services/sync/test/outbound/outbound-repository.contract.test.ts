/**
 * The outbound store's contract, run against the memory adapter always and against MongoDB
 * where one is reachable (MONGODB_URL, or Docker).
 */
import { describeContract } from '@slotkeeper/testing';
import { expect, it } from 'vitest';
import {
  MemoryOutboundRepository,
  MongoOutboundRepository,
  type OutboundEvent,
  type OutboundRepository,
  type WriteRequest,
} from '../../src/outbound/index.js';

const CAL = 'cccccccccccccccccccccccc';
const OTHER = 'dddddddddddddddddddddddd';
const SOURCE = '5050505050505050505050aa';
const NOW = new Date('2030-06-20T08:00:00.000Z');
const later = (ms: number) => new Date(NOW.getTime() + ms);
const id = (n: number) => n.toString(16).padStart(24, '0');

const event = (n: number, overrides: Partial<OutboundEvent> = {}): OutboundEvent => ({
  id: id(n),
  calendarId: CAL,
  title: 'Call',
  start: new Date('2030-06-24T09:00:00.000Z'),
  end: new Date('2030-06-24T09:30:00.000Z'),
  bookedBy: 'bea@example.com',
  bookerName: null,
  notes: null,
  guests: ['cy@example.com'],
  status: 'confirmed',
  createdAt: new Date('2030-06-20T07:00:00.000Z'),
  version: 1,
  updatedAt: new Date('2030-06-20T07:00:00.000Z'),
  ...overrides,
});
const write = (n: number, version = 1, sourceId = SOURCE): WriteRequest => ({
  sourceId,
  calendarId: CAL,
  eventId: id(n),
  version,
});

await describeContract<OutboundRepository>(
  'OutboundRepository',
  { memory: () => new MemoryOutboundRepository(), mongo: (connection) => new MongoOutboundRepository(connection) },
  (repo) => {
    it('when versions of an event arrive in any order, then the highest is kept and only news is reported', async () => {
      expect(await repo().applyEvent(event(1, { version: 2, title: 'Moved' }))).toBe(true);
      expect(await repo().applyEvent(event(1, { version: 1 }))).toBe(false);
      expect(await repo().applyEvent(event(1, { version: 2, title: 'Again' }))).toBe(false);
      expect(await repo().findEvent(id(1))).toEqual(event(1, { version: 2, title: 'Moved' }));
      expect(await repo().applyEvent(event(1, { version: 3, status: 'canceled' }))).toBe(true);
      expect((await repo().findEvent(id(1)))?.status).toBe('canceled');
      expect(await repo().findEvent(id(9))).toBeNull();
    });

    it("when a feed is read, then the calendar's events ending at or after the cut, by start, at most the limit", async () => {
      const cut = new Date('2030-06-01T00:00:00.000Z');
      const at = (day: string) => new Date(`2030-06-${day}T10:00:00.000Z`);
      await repo().applyEvent(event(1, { start: at('03'), end: at('04') }));
      await repo().applyEvent(event(2, { start: new Date('2030-05-31T09:00:00.000Z'), end: cut }));
      await repo().applyEvent(event(3, { start: at('02'), end: at('02'), status: 'canceled', version: 2 }));
      await repo().applyEvent(event(4, { start: new Date('2030-05-31T09:00:00Z'), end: new Date(cut.getTime() - 1) }));
      await repo().applyEvent(event(5, { start: at('02'), end: at('03'), calendarId: OTHER }));
      const feed = await repo().feedEvents(CAL, cut, 10);
      expect(feed.map((e) => e.id)).toEqual([id(2), id(3), id(1)]);
      expect(feed[1]).toEqual(event(3, { start: at('02'), end: at('02'), status: 'canceled', version: 2 }));
      expect((await repo().feedEvents(CAL, cut, 2)).map((e) => e.id)).toEqual([id(2), id(3)]);
    });

    it('when an event lasts longer than a day (a calendar without a meeting length), then the feed still finds it by its end', async () => {
      const cut = new Date('2030-06-01T00:00:00.000Z');
      const before = (hours: number) => new Date(cut.getTime() - hours * 3_600_000);
      // Three days from 2.5 days before the cut: found although it began before `cut − 1 day`.
      await repo().applyEvent(event(1, { start: before(60), end: before(-12) }));
      // Short ones of the same calendar, both sides of the cut; and another calendar's.
      await repo().applyEvent(event(2, { start: before(1), end: cut }));
      await repo().applyEvent(event(3, { start: before(3), end: before(2) }));
      await repo().applyEvent(event(4, { start: before(30), end: before(-1), calendarId: OTHER }));
      expect((await repo().feedEvents(CAL, cut, 10)).map((e) => e.id)).toEqual([id(1), id(2)]);
      // The calendar's longest stands when the long event is shortened: a bound too wide is only slower.
      await repo().applyEvent(event(1, { start: before(2), end: before(-12), version: 2 }));
      await repo().applyEvent(event(5, { start: before(50), end: before(-1) }));
      expect((await repo().feedEvents(CAL, cut, 10)).map((e) => e.id)).toEqual([id(5), id(1), id(2)]);
      expect((await repo().feedEvents(OTHER, cut, 10)).map((e) => e.id)).toEqual([id(4)]);
    });

    it('when a feed token is set again, then only the newest hash is kept, per calendar', async () => {
      expect(await repo().feedTokenHash(CAL)).toBeNull();
      await repo().setFeedToken(CAL, 'a'.repeat(64), NOW);
      await repo().setFeedToken(CAL, 'b'.repeat(64), later(1));
      await repo().setFeedToken(OTHER, 'c'.repeat(64), NOW);
      expect(await repo().feedTokenHash(CAL)).toBe('b'.repeat(64));
      expect(await repo().feedTokenHash(OTHER)).toBe('c'.repeat(64));
    });

    it('when a write is recorded, then it is pending and due at once; the same or an older version changes nothing', async () => {
      await repo().recordWrite(write(1, 2), NOW);
      await repo().recordWrite(write(1, 2), later(5));
      await repo().recordWrite(write(1, 1), later(5));
      expect(await repo().findWriteJob(SOURCE, id(1))).toEqual({
        ...write(1, 2),
        state: 'pending',
        attempts: 0,
        nextAttemptAt: NOW,
        lastError: null,
      });
      expect(await repo().findWriteJob(SOURCE, id(2))).toBeNull();
    });

    it('when due jobs are claimed, then each once under its lease, attempts counted, at most the limit', async () => {
      for (const n of [1, 2, 3]) await repo().recordWrite(write(n), NOW);
      await repo().recordWrite(write(4), later(10_000));
      const first = await repo().claimDue(NOW, 60_000, 2);
      const second = await repo().claimDue(NOW, 60_000, 5);
      expect(first).toHaveLength(2);
      expect(second).toHaveLength(1);
      const claimed = [...first, ...second];
      expect(new Set(claimed.map((job) => job.eventId))).toEqual(new Set([id(1), id(2), id(3)]));
      expect(claimed.every((job) => job.attempts === 1 && job.leaseId.length > 0)).toBe(true);
      expect(await repo().claimDue(later(59_999), 60_000, 10)).toEqual([
        expect.objectContaining({ eventId: id(4), attempts: 1 }),
      ]);
      // Leases run out: the three unsettled jobs come back.
      expect(await repo().claimDue(later(60_000), 60_000, 10)).toHaveLength(3);
    });

    it('when concurrent claims race, then no job is handed out twice', async () => {
      for (const n of [1, 2, 3, 4, 5, 6]) await repo().recordWrite(write(n), NOW);
      const rounds = await Promise.all([1, 2, 3].map(() => repo().claimDue(NOW, 60_000, 4)));
      const ids = rounds.flat().map((job) => job.eventId);
      expect(ids).toHaveLength(6);
      expect(new Set(ids).size).toBe(6);
    });

    it('when an attempt is settled, then done, retry, failed and dropped each leave their state', async () => {
      for (const n of [1, 2, 3, 4]) await repo().recordWrite(write(n), NOW);
      const jobs = await repo().claimDue(NOW, 60_000, 10);
      const job = (n: number) => jobs.find((j) => j.eventId === id(n))!;
      await repo().settle(job(1), { kind: 'done' });
      await repo().settle(job(2), { kind: 'retry', at: later(1_000), error: 'PUT http://dav.example: HTTP 500' });
      await repo().settle(job(3), { kind: 'failed', error: 'gave up' });
      await repo().settle(job(4), { kind: 'dropped' });
      expect(await repo().findWriteJob(SOURCE, id(1))).toMatchObject({
        state: 'done',
        nextAttemptAt: null,
        attempts: 1,
      });
      expect(await repo().findWriteJob(SOURCE, id(2))).toMatchObject({
        state: 'pending',
        nextAttemptAt: later(1_000),
        lastError: 'PUT http://dav.example: HTTP 500',
      });
      expect(await repo().findWriteJob(SOURCE, id(3))).toMatchObject({ state: 'failed', lastError: 'gave up' });
      expect(await repo().findWriteJob(SOURCE, id(4))).toBeNull();
      // The retry is due at its time, released from its lease; done and failed never come back.
      expect(await repo().claimDue(later(999), 60_000, 10)).toEqual([]);
      const retried = await repo().claimDue(later(1_000), 60_000, 10);
      expect(retried.map((j) => [j.eventId, j.attempts])).toEqual([[id(2), 2]]);
      await repo().settle(retried[0]!, { kind: 'done' });
      expect(await repo().claimDue(later(3_600_000), 60_000, 10)).toEqual([]);
    });

    it('when a done or failed job gets a newer version, then it is pending again, attempts reset', async () => {
      await repo().recordWrite(write(1), NOW);
      const [job] = await repo().claimDue(NOW, 60_000, 1);
      await repo().settle(job!, { kind: 'failed', error: 'gave up' });
      await repo().recordWrite(write(1, 2), later(10));
      expect(await repo().findWriteJob(SOURCE, id(1))).toMatchObject({
        version: 2,
        state: 'pending',
        attempts: 0,
        lastError: null,
        nextAttemptAt: later(10),
      });
    });

    it('when a newer version is recorded while a worker holds the job, then it waits for that lease and is not settled by it', async () => {
      await repo().recordWrite(write(1), NOW);
      const [held] = await repo().claimDue(NOW, 60_000, 1);
      await repo().recordWrite(write(1, 2), NOW);
      // Never beside the write under way.
      expect(await repo().claimDue(NOW, 60_000, 1)).toEqual([]);
      await repo().settle(held!, { kind: 'done' });
      expect(await repo().findWriteJob(SOURCE, id(1))).toMatchObject({ version: 2, state: 'pending', attempts: 0 });
      expect(await repo().claimDue(NOW, 60_000, 1)).toEqual([expect.objectContaining({ version: 2, attempts: 1 })]);
    });

    it('when a stale lease settles, then nothing changes', async () => {
      await repo().recordWrite(write(1), NOW);
      const [stale] = await repo().claimDue(NOW, 1_000, 1);
      const [current] = await repo().claimDue(later(1_000), 60_000, 1);
      await repo().settle(stale!, { kind: 'failed', error: 'late' });
      expect(await repo().findWriteJob(SOURCE, id(1))).toMatchObject({ state: 'pending', lastError: null });
      await repo().settle(current!, { kind: 'done' });
      expect(await repo().findWriteJob(SOURCE, id(1))).toMatchObject({ state: 'done', attempts: 2 });
    });

    it("when a calendar is forgotten, then its events, feed token and jobs go; another calendar's stay", async () => {
      const other = '5050505050505050505050bb';
      const long = { start: new Date('2030-06-20T00:00:00.000Z'), end: new Date('2030-06-24T00:00:00.000Z') };
      await repo().applyEvent(event(1, long));
      await repo().applyEvent(event(2, { calendarId: OTHER }));
      await repo().setFeedToken(CAL, 'a'.repeat(64), NOW);
      await repo().setFeedToken(OTHER, 'b'.repeat(64), NOW);
      await repo().recordWrite(write(1), NOW);
      await repo().recordWrite({ ...write(2, 1, other), calendarId: OTHER }, NOW);

      await repo().forgetCalendar(CAL);
      await repo().forgetCalendar(CAL);

      expect(await repo().findEvent(id(1))).toBeNull();
      expect(await repo().feedTokenHash(CAL)).toBeNull();
      expect(await repo().findWriteJob(SOURCE, id(1))).toBeNull();
      expect(await repo().findEvent(id(2))).not.toBeNull();
      expect(await repo().feedTokenHash(OTHER)).toBe('b'.repeat(64));
      expect(await repo().findWriteJob(other, id(2))).not.toBeNull();
    });

    it("when a source's jobs are dropped, then only that source's go", async () => {
      const other = '5050505050505050505050bb';
      await repo().recordWrite(write(1), NOW);
      await repo().recordWrite(write(2), NOW);
      await repo().recordWrite(write(1, 1, other), NOW);
      await repo().dropWriteJobs(SOURCE);
      expect(await repo().findWriteJob(SOURCE, id(1))).toBeNull();
      expect(await repo().findWriteJob(SOURCE, id(2))).toBeNull();
      expect(await repo().findWriteJob(other, id(1))).not.toBeNull();
    });
  },
);
