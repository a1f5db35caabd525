import type { Envelope } from '@slotkeeper/contracts';
import { onlyCommand, useMongoRecorder, servedBy } from '@slotkeeper/testing';
import { beforeEach, describe, expect, it } from 'vitest';
import { MongoScheduleRepository } from '../src/adapters/mongo/mongo-schedule-repository.js';
import { USER, workHours } from './fixtures.js';

const SCHEDULE = 'dddddddddddddddddddddddd';
const HOSTILE = '{"$gt":""}';

const work = workHours();

/** The work schedule as availability_schedules holds it (snake_case, the contract's wire shape). */
const workDoc = {
  _id: SCHEDULE,
  user_id: USER,
  name: 'Work hours',
  timezone: 'Europe/Berlin',
  time_slots: [{ id: 'bbbbbbbbbbbbbbbbbbbbbbbb', day_of_week: 'monday', start_time: '09:00', end_time: '12:00' }],
  date_overrides: [
    { date: '2030-06-25', time_slots: [{ start_time: '10:00', end_time: '11:00' }] },
    { date: '2030-12-25', time_slots: [] },
  ],
  created_at: new Date('2030-01-01T00:00:00Z'),
  version: 1,
};

const { rec, repository: schedules } = useMongoRecorder((connection) => new MongoScheduleRepository(connection));

describe('MongoScheduleRepository indexes', () => {
  it('when the repository initialises, then availability_schedules gets one index (user_id, created_at, _id) and schedule_outbox its own', () => {
    expect(rec.on('$db', 'createCollection').map((c) => c.args[0])).toEqual([
      'availability_schedules',
      'schedule_outbox',
    ]);
    expect(rec.indexes().filter((index) => index.collection === 'availability_schedules')).toEqual([
      {
        collection: 'availability_schedules',
        key: { user_id: 1, created_at: 1, _id: 1 },
        options: { name: 'user_id_1_created_at_1__id_1' },
      },
    ]);
    expect(
      rec
        .indexes()
        .filter((index) => index.collection === 'schedule_outbox')
        .map((i) => i.options.name),
    ).toEqual(['pending_by_aggregate', 'pending_by_age']);
  });
});

describe('MongoScheduleRepository.create', () => {
  it('when a schedule is created, then one insertOne carries the wire-shaped document under a new 24-hex string _id', async () => {
    const created = await schedules.create(work);

    const insert = onlyCommand(rec.on('availability_schedules'));
    expect(insert).toEqual({
      collection: 'availability_schedules',
      method: 'insertOne',
      args: [{ ...workDoc, _id: expect.stringMatching(/^[0-9a-f]{24}$/) }, {}],
    });
    const doc = insert.args[0] as typeof workDoc;
    expect(doc.created_at).toBeInstanceOf(Date);
    expect(created).toEqual({ ...work, id: doc._id });
  });

  it('when two schedules are created, then each gets its own _id', async () => {
    await schedules.create(work);
    await schedules.create(work);

    const [first, second] = rec.on('availability_schedules', 'insertOne').map((c) => (c.args[0] as typeof workDoc)._id);
    expect(first).not.toBe(second);
  });
});

describe('MongoScheduleRepository.findById', () => {
  it('when a schedule is looked up, then one findOne by the string _id is sent, served by the _id_ index', async () => {
    await schedules.findById(SCHEDULE);

    const find = onlyCommand(rec.on('availability_schedules'));
    expect(find).toEqual({
      collection: 'availability_schedules',
      method: 'findOne',
      args: [{ _id: SCHEDULE }, {}],
    });
    expect(servedBy(find, rec.indexes())?.options.name).toBe('_id_');
  });

  it('when the id is a hostile string, then it is sent as the value of _id, never as an operator', async () => {
    await schedules.findById(HOSTILE);

    expect(onlyCommand(rec.on('availability_schedules')).args[0]).toStrictEqual({ _id: HOSTILE });
  });

  it('when the driver returns the stored document, then it reads back whole, overrides and Date included', async () => {
    rec.answer('availability_schedules', 'findOne', workDoc);

    const found = await schedules.findById(SCHEDULE);

    expect(found).toEqual({ ...work, id: SCHEDULE });
    expect(found?.createdAt).toBeInstanceOf(Date);
  });

  it('when the driver finds nothing, then nothing is found', async () => {
    expect(await schedules.findById(SCHEDULE)).toBeNull();
  });

  it('when the stored document predates versions (no version field), then it reads back at version 1', async () => {
    const { version: _version, ...legacy } = workDoc;
    rec.answer('availability_schedules', 'findOne', legacy);

    expect((await schedules.findById(SCHEDULE))?.version).toBe(1);
  });
});

describe('MongoScheduleRepository.listByUser', () => {
  it("when a user's schedules are listed, then one find by user_id sorted by created_at then _id is sent", async () => {
    await schedules.listByUser(USER);

    expect(onlyCommand(rec.on('availability_schedules'))).toEqual({
      collection: 'availability_schedules',
      method: 'find',
      args: [{ user_id: USER }, { sort: { created_at: 1, _id: 1 } }],
    });
  });

  it('when the user id is a hostile string, then it is sent as the value of user_id, never as an operator', async () => {
    await schedules.listByUser(HOSTILE);

    expect(onlyCommand(rec.on('availability_schedules')).args[0]).toStrictEqual({ user_id: HOSTILE });
  });

  // With the _id tie-break in the index, MongoDB never sorts a user's schedules in memory.
  it('when the whole query is checked, then a declared index serves its filter and its whole sort', async () => {
    await schedules.listByUser(USER);

    expect(servedBy(rec.on('availability_schedules', 'find')[0]!, rec.indexes())).toBeDefined();
  });

  it('when the driver returns documents, then they read back as schedules in the order the driver gave', async () => {
    const later = { ...workDoc, _id: 'eeeeeeeeeeeeeeeeeeeeeeee', created_at: new Date('2030-01-02T00:00:00Z') };
    rec.answer('availability_schedules', 'find', [workDoc, later]);

    const listed = await schedules.listByUser(USER);

    expect(listed).toEqual([
      { ...work, id: SCHEDULE },
      { ...work, id: 'eeeeeeeeeeeeeeeeeeeeeeee', createdAt: new Date('2030-01-02T00:00:00Z') },
    ]);
  });

  it('when the driver finds nothing, then the list is empty', async () => {
    expect(await schedules.listByUser(USER)).toEqual([]);
  });
});

const AT = new Date('2030-06-01T12:00:00Z');
const changed = {
  ...work,
  id: SCHEDULE,
  name: 'Late hours',
  timezone: 'Asia/Kolkata',
  timeSlots: [{ id: 'cccccccccccccccccccccccc', dayOfWeek: 'tuesday' as const, startTime: '18:00', endTime: '21:00' }],
  dateOverrides: [],
  version: 3,
};
const trail = () => rec.commands.filter((c) => c.collection !== '$session').map((c) => `${c.collection}.${c.method}`);
const allInOneTransaction = () =>
  rec.commands.filter((c) => c.collection !== '$session').every((c) => c.session === 1 && c.inTransaction);
const outboxMessages = () =>
  (
    rec.on('schedule_outbox', 'insertMany')[0]!.args[0] as Array<{
      _id: string;
      aggregate_id: string;
      message: Envelope;
    }>
  ).map((doc) => ({ _id: doc._id, aggregate_id: doc.aggregate_id, message: doc.message }));

describe('MongoScheduleRepository.save', () => {
  beforeEach(() => rec.clear());

  it('when a schedule is saved, then one update conditional on the version read and its ScheduleUpdated message commit together', async () => {
    expect(await schedules.save({ schedule: changed, at: AT }, 2, 'req-1')).toBe(true);

    expect(trail()).toEqual(['availability_schedules.updateOne', 'schedule_outbox.insertMany']);
    expect(allInOneTransaction()).toBe(true);
    expect(rec.sessionEvents.map((e) => e.event)).toEqual(['start', 'startTransaction', 'commitTransaction', 'end']);
    expect(rec.on('availability_schedules', 'updateOne')[0]!.args.slice(0, 2)).toEqual([
      { _id: SCHEDULE, version: 2 },
      {
        $set: {
          name: 'Late hours',
          timezone: 'Asia/Kolkata',
          time_slots: [
            { id: 'cccccccccccccccccccccccc', day_of_week: 'tuesday', start_time: '18:00', end_time: '21:00' },
          ],
          date_overrides: [],
          version: 3,
        },
      },
    ]);
    const [written] = outboxMessages();
    expect(written).toEqual({
      _id: written!.message.id,
      aggregate_id: SCHEDULE,
      message: {
        id: expect.any(String),
        type: 'ScheduleUpdated',
        occurred_at: AT.toISOString(),
        data: {
          schedule: {
            id: SCHEDULE,
            timezone: 'Asia/Kolkata',
            time_slots: [{ day_of_week: 'tuesday', start_time: '18:00', end_time: '21:00' }],
            date_overrides: [],
          },
          user_id: USER,
          version: 3,
        },
      },
    });
    expect(rec.on('schedule_outbox', 'insertMany')[0]!.args[0]).toMatchObject([{ request_id: 'req-1' }]);
  });

  it('when the version read is 1, then a document written before versions (no field) matches too', async () => {
    await schedules.save({ schedule: { ...changed, version: 2 }, at: AT }, 1);

    expect(rec.on('availability_schedules', 'updateOne')[0]!.args[0]).toEqual({
      _id: SCHEDULE,
      version: { $in: [1, null] },
    });
  });

  it('when the id is a hostile string, then it is sent as the value of _id, never as an operator', async () => {
    await schedules.save({ schedule: { ...changed, id: HOSTILE }, at: AT }, 2);

    expect(rec.on('availability_schedules', 'updateOne')[0]!.args[0]).toStrictEqual({ _id: HOSTILE, version: 2 });
  });

  it('when the schedule moved on meanwhile, then nothing is written and no message either', async () => {
    rec.answer('availability_schedules', 'updateOne', { acknowledged: true, matchedCount: 0, modifiedCount: 0 });

    expect(await schedules.save({ schedule: changed, at: AT }, 2)).toBe(false);
    expect(trail()).toEqual(['availability_schedules.updateOne']);
  });
});

describe('MongoScheduleRepository.delete', () => {
  beforeEach(() => rec.clear());
  const deletion = { scheduleId: SCHEDULE, userId: USER, version: 4, at: AT };

  it('when a schedule is deleted, then one delete conditional on the version read and its ScheduleDeleted message commit together', async () => {
    rec.answer('availability_schedules', 'deleteOne', { acknowledged: true, deletedCount: 1 });

    expect(await schedules.delete(deletion, 3)).toBe(true);

    expect(trail()).toEqual(['availability_schedules.deleteOne', 'schedule_outbox.insertMany']);
    expect(allInOneTransaction()).toBe(true);
    expect(rec.on('availability_schedules', 'deleteOne')[0]!.args[0]).toStrictEqual({ _id: SCHEDULE, version: 3 });
    expect(outboxMessages()[0]!.message).toMatchObject({
      type: 'ScheduleDeleted',
      data: { availability_schedule_id: SCHEDULE, user_id: USER, version: 4 },
    });
  });

  it('when the version read is 1, then a document written before versions matches too', async () => {
    rec.answer('availability_schedules', 'deleteOne', { acknowledged: true, deletedCount: 1 });

    await schedules.delete({ ...deletion, version: 2 }, 1);

    expect(rec.on('availability_schedules', 'deleteOne')[0]!.args[0]).toEqual({
      _id: SCHEDULE,
      version: { $in: [1, null] },
    });
  });

  it('when the schedule moved on or is gone, then nothing is deleted and no message is written', async () => {
    rec.answer('availability_schedules', 'deleteOne', { acknowledged: true, deletedCount: 0 });

    expect(await schedules.delete(deletion, 3)).toBe(false);
    expect(trail()).toEqual(['availability_schedules.deleteOne']);
  });
});
