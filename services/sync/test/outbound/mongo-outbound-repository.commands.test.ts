/**
 * The MongoDB outbound store at the command level: every method runs against the recording layer
 * under mongoose, and the tests assert what reaches the driver and which index serves each query.
 * The contract suite runs the same adapter against a real server where one exists.
 */
import { duplicateKeyError, onlyCommand, servedBy, useMongoRecorder, type RecordedCommand } from '@slotkeeper/testing';
import { describe, expect, it } from 'vitest';
import { MongoOutboundRepository, type ClaimedJob, type OutboundEvent } from '../../src/outbound/index.js';

const CAL = 'cccccccccccccccccccccccc';
const EVENT = '111111111111111111111111';
const SOURCE = '5050505050505050505050aa';
const KEY = `${SOURCE}:${EVENT}`;
const NOW = new Date('2030-06-20T08:00:00.000Z');
const EPOCH = new Date(0);
const DAY = 86_400_000;

const event: OutboundEvent = {
  id: EVENT,
  calendarId: CAL,
  title: 'Call',
  start: new Date('2030-06-24T09:00:00.000Z'),
  end: new Date('2030-06-24T09:30:00.000Z'),
  bookedBy: 'bea@example.com',
  bookerName: 'Bea',
  notes: null,
  guests: [],
  status: 'confirmed',
  createdAt: new Date('2030-06-20T07:00:00.000Z'),
  version: 2,
  updatedAt: new Date('2030-06-20T07:30:00.000Z'),
};
const eventDoc = {
  _id: EVENT,
  calendar_id: CAL,
  title: 'Call',
  start_time: event.start,
  end_time: event.end,
  booked_by: 'bea@example.com',
  booker_name: 'Bea',
  notes: null,
  guests: [],
  status: 'confirmed',
  created_at: event.createdAt,
  version: 2,
  updated_at: event.updatedAt,
};
const jobDoc = {
  _id: KEY,
  source_id: SOURCE,
  calendar_id: CAL,
  event_id: EVENT,
  version: 1,
  state: 'pending',
  attempts: 1,
  next_attempt_at: NOW,
  last_error: null,
  lease_id: 'lease-1',
  lease_until: new Date(NOW.getTime() + 60_000),
};
const claimed: ClaimedJob = {
  sourceId: SOURCE,
  calendarId: CAL,
  eventId: EVENT,
  version: 1,
  state: 'pending',
  attempts: 1,
  nextAttemptAt: NOW,
  lastError: null,
  leaseId: 'lease-1',
};

const { rec, repository: store } = useMongoRecorder((connection) => new MongoOutboundRepository(connection), {
  clear: true,
});
const indexNamed = (name: string) => rec.indexes().find((index) => index.options.name === name);
const served = (command: RecordedCommand) => servedBy(command, rec.indexes())?.options.name;
const notMatched = { acknowledged: true, matchedCount: 0, modifiedCount: 0, upsertedCount: 0, upsertedId: null };

describe('indexes', () => {
  it('declares the feed index, the partial index of pending jobs by due time and lease, and the jobs by source', () => {
    expect(indexNamed('feed_by_start')).toMatchObject({
      collection: 'outbound_events',
      key: { calendar_id: 1, start_time: 1, _id: 1, end_time: 1 },
    });
    expect(indexNamed('pending_by_due')).toEqual({
      collection: 'write_back_jobs',
      key: { next_attempt_at: 1, lease_until: 1 },
      options: expect.objectContaining({ partialFilterExpression: { state: 'pending' } }),
    });
    expect(indexNamed('by_source')).toMatchObject({ collection: 'write_back_jobs', key: { source_id: 1 } });
    expect(indexNamed('by_calendar')).toMatchObject({ collection: 'write_back_jobs', key: { calendar_id: 1 } });
  });
});

describe('events projection', () => {
  it('when an event is applied, then one upsert writes it only over an older version', async () => {
    expect(await store.applyEvent(event)).toBe(true);
    // Half an hour: its calendar's longest event beyond a day is not its concern.
    expect(rec.on('outbound_calendars')).toEqual([]);
    const command = onlyCommand(rec.on('outbound_events'));
    expect(command.method).toBe('updateOne');
    const { _id, ...fields } = eventDoc;
    expect(command.args[0]).toEqual({ _id, version: { $lt: 2 } });
    expect(command.args[1]).toEqual({ $set: fields });
    expect(command.args[2]).toMatchObject({ upsert: true });
  });

  it('when a version as new or newer is stored, then the upsert collides on _id and nothing changes', async () => {
    rec.answer('outbound_events', 'updateOne', duplicateKeyError('test.outbound_events', '_id_', { _id: EVENT }));
    expect(await store.applyEvent(event)).toBe(false);
    rec.answer('outbound_events', 'updateOne', duplicateKeyError('test.outbound_events', 'other', { x: 1 }));
    await expect(store.applyEvent(event)).rejects.toThrow(/E11000/);
  });

  it('when an event longer than a day is applied, then its calendar remembers the longest first', async () => {
    const week = { ...event, end: new Date(event.start.getTime() + 7 * DAY) };
    await store.applyEvent(week);
    const [first] = rec.commands;
    expect(first).toMatchObject({ collection: 'outbound_calendars', method: 'updateOne' });
    expect(first!.args.slice(0, 2)).toEqual([{ _id: CAL }, { $max: { longest_event_ms: 7 * DAY } }]);
    expect(first!.args[2]).toMatchObject({ upsert: true });
    expect(rec.on('outbound_events', 'updateOne')).toHaveLength(1);
  });

  it('when a feed is read, then one query from a day before the cut by start, served by the feed index, limited', async () => {
    rec.answer('outbound_events', 'find', [eventDoc]);
    const cut = new Date('2030-05-21T08:00:00.000Z');
    expect(await store.feedEvents(CAL, cut, 5_000)).toEqual([event]);
    expect(onlyCommand(rec.on('outbound_calendars')).args[0]).toEqual({ _id: CAL });
    const command = onlyCommand(rec.on('outbound_events', 'find'));
    // The start bounds the index scan: past events cost nothing, however many the calendar has.
    expect(command.args[0]).toEqual({
      calendar_id: CAL,
      start_time: { $gte: new Date(cut.getTime() - DAY) },
      end_time: { $gte: cut },
    });
    expect(command.args[1]).toMatchObject({ sort: { start_time: 1, _id: 1 }, limit: 5_000 });
    expect(served(command)).toBe('feed_by_start');
  });

  it('when the calendar has had an event longer than a day, then the feed reads from that long before the cut', async () => {
    rec.answer('outbound_calendars', 'findOne', { _id: CAL, longest_event_ms: 3 * DAY });
    const cut = new Date('2030-05-21T08:00:00.000Z');
    await store.feedEvents(CAL, cut, 5_000);
    const command = onlyCommand(rec.on('outbound_events', 'find'));
    expect(command.args[0]).toMatchObject({ start_time: { $gte: new Date(cut.getTime() - 3 * DAY) } });
    expect(served(command)).toBe('feed_by_start');
  });
});

describe('feed tokens', () => {
  it("when a token is set, then only its hash is written, over the calendar's previous one", async () => {
    await store.setFeedToken(CAL, 'f'.repeat(64), NOW);
    const command = onlyCommand(rec.on('feed_tokens'));
    expect(command.method).toBe('updateOne');
    expect(command.args.slice(0, 2)).toEqual([{ _id: CAL }, { $set: { token_hash: 'f'.repeat(64), created_at: NOW } }]);
    expect(command.args[2]).toMatchObject({ upsert: true });
  });

  it('when a hash is read, then by _id', async () => {
    rec.answer('feed_tokens', 'findOne', { _id: CAL, token_hash: 'a'.repeat(64), created_at: NOW });
    expect(await store.feedTokenHash(CAL)).toBe('a'.repeat(64));
    expect(onlyCommand(rec.on('feed_tokens')).args[0]).toEqual({ _id: CAL });
    expect(await store.feedTokenHash(CAL)).toBeNull();
  });
});

describe('write-back jobs', () => {
  it('when a write is recorded, then one upsert over an older version, the lease left as it is', async () => {
    await store.recordWrite({ sourceId: SOURCE, calendarId: CAL, eventId: EVENT, version: 3 }, NOW);
    const command = onlyCommand(rec.on('write_back_jobs'));
    expect(command.method).toBe('updateOne');
    expect(command.args[0]).toEqual({ _id: KEY, version: { $lt: 3 } });
    expect(command.args[1]).toEqual({
      $set: {
        source_id: SOURCE,
        calendar_id: CAL,
        event_id: EVENT,
        version: 3,
        state: 'pending',
        attempts: 0,
        next_attempt_at: NOW,
        last_error: null,
      },
      $setOnInsert: { lease_id: null, lease_until: EPOCH },
    });
    expect(command.args[2]).toMatchObject({ upsert: true });
  });

  it('when the same or a newer version is recorded, then the collision is the answer', async () => {
    rec.answer('write_back_jobs', 'updateOne', duplicateKeyError('test.write_back_jobs', '_id_', { _id: KEY }));
    await expect(
      store.recordWrite({ sourceId: SOURCE, calendarId: CAL, eventId: EVENT, version: 1 }, NOW),
    ).resolves.toBeUndefined();
  });

  it('when due jobs are claimed, then one atomic claim per job, served by the pending index, until none is left', async () => {
    rec.answer('write_back_jobs', 'findOneAndUpdate', jobDoc);
    const jobs = await store.claimDue(NOW, 60_000, 5);
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({ ...claimed, leaseId: expect.any(String) });
    const claims = rec.on('write_back_jobs', 'findOneAndUpdate');
    expect(claims).toHaveLength(2);
    const [first] = claims;
    expect(first!.args[0]).toEqual({ state: 'pending', next_attempt_at: { $lte: NOW }, lease_until: { $lte: NOW } });
    expect(first!.args[1]).toEqual({
      $set: { lease_id: jobs[0]!.leaseId, lease_until: new Date(NOW.getTime() + 60_000) },
      $inc: { attempts: 1 },
    });
    expect(first!.args[2]).toMatchObject({ sort: { next_attempt_at: 1 }, returnDocument: 'after' });
    expect(served(first!)).toBe('pending_by_due');
  });

  it('when the limit is reached, then no further claim is made', async () => {
    rec.answer('write_back_jobs', 'findOneAndUpdate', jobDoc);
    rec.answer('write_back_jobs', 'findOneAndUpdate', { ...jobDoc, _id: `${SOURCE}:2`, event_id: '2' });
    expect(await store.claimDue(NOW, 60_000, 2)).toHaveLength(2);
    expect(rec.on('write_back_jobs', 'findOneAndUpdate')).toHaveLength(2);
  });

  it('when an attempt is settled, then one update held by its lease and version, releasing it', async () => {
    await store.settle(claimed, { kind: 'retry', at: NOW, error: 'PUT http://dav.example: HTTP 500' });
    const command = onlyCommand(rec.on('write_back_jobs'));
    expect(command.args.slice(0, 2)).toEqual([
      { _id: KEY, lease_id: 'lease-1', version: 1 },
      {
        $set: {
          lease_id: null,
          lease_until: EPOCH,
          next_attempt_at: NOW,
          last_error: 'PUT http://dav.example: HTTP 500',
        },
      },
    ]);
  });

  it('when a newer version was recorded meanwhile, then only the lease is released', async () => {
    rec.answer('write_back_jobs', 'updateOne', notMatched);
    await store.settle(claimed, { kind: 'done' });
    const [settle, release] = rec.on('write_back_jobs', 'updateOne');
    expect(settle!.args[1]).toEqual({
      $set: { lease_id: null, lease_until: EPOCH, state: 'done', next_attempt_at: null, last_error: null },
    });
    expect(release!.args.slice(0, 2)).toEqual([
      { _id: KEY, lease_id: 'lease-1' },
      { $set: { lease_id: null, lease_until: EPOCH } },
    ]);
  });

  it('when a job is dropped, then it is deleted under its lease', async () => {
    await store.settle(claimed, { kind: 'dropped' });
    const command = onlyCommand(rec.on('write_back_jobs'));
    expect(command.method).toBe('deleteOne');
    expect(command.args[0]).toEqual({ _id: KEY, lease_id: 'lease-1', version: 1 });
  });

  it('when a calendar is forgotten, then its feed token, jobs, events and longest event go, each by an index', async () => {
    await store.forgetCalendar(CAL);
    expect(rec.commands.map((c) => [c.collection, c.method, c.args[0]])).toEqual([
      ['feed_tokens', 'deleteOne', { _id: CAL }],
      ['write_back_jobs', 'deleteMany', { calendar_id: CAL }],
      ['outbound_events', 'deleteMany', { calendar_id: CAL }],
      ['outbound_calendars', 'deleteOne', { _id: CAL }],
    ]);
    expect(rec.commands.map(served)).toEqual(['_id_', 'by_calendar', 'feed_by_start', '_id_']);
  });

  it("when a source's jobs are dropped, then one deleteMany served by the source index", async () => {
    await store.dropWriteJobs(SOURCE);
    const command = onlyCommand(rec.on('write_back_jobs'));
    expect(command.method).toBe('deleteMany');
    expect(command.args[0]).toEqual({ source_id: SOURCE });
    expect(served(command)).toBe('by_source');
  });
});
