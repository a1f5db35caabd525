/**
 * The calendar service's MongoDB adapter at the command level, against the recording layer
 * under mongoose: what each method sends to the driver. Runs everywhere.
 */
import { defaultRules, type Envelope } from '@slotkeeper/contracts';
import { duplicateKeyError, useMongoRecorder, servedBy, calendarRules } from '@slotkeeper/testing';
import { describe, expect, it } from 'vitest';
import { MongoCalendarRepository } from '../src/adapters/mongo/mongo-calendar-repository.js';
import type { LinkedSchedule, NewCalendar, ProjectedEvent } from '../src/domain/calendar.js';
import { projectedEvent } from './fixtures.js';

const CAL = 'aaaaaaaaaaaaaaaaaaaaaaaa';
const USER = 'bbbbbbbbbbbbbbbbbbbbbbbb';
const SCHEDULE = 'cccccccccccccccccccccccc';
const EVENT = '111111111111111111111111';
const AT = new Date('2030-01-01T00:00:00Z');

const schedule: LinkedSchedule = {
  id: SCHEDULE,
  userId: USER,
  name: 'Work',
  timezone: 'UTC',
  timeSlots: [{ id: 'dddddddddddddddddddddddd', dayOfWeek: 'monday', startTime: '09:00', endTime: '12:00' }],
  dateOverrides: [],
  createdAt: new Date('2030-01-01T00:00:00.000Z'),
};
/** The schedule as a link holds it: the schedule service's answer, snake_case. */
const scheduleDoc = {
  id: SCHEDULE,
  user_id: USER,
  name: 'Work',
  timezone: 'UTC',
  time_slots: [{ id: 'dddddddddddddddddddddddd', day_of_week: 'monday', start_time: '09:00', end_time: '12:00' }],
  date_overrides: [],
  created_at: '2030-01-01T00:00:00.000Z',
};
const draft: NewCalendar = {
  id: CAL,
  userId: USER,
  name: 'Intro calls',
  rules: { ...defaultRules, meetingDurationMinutes: 30 },
  createdAt: new Date('2030-01-01T00:00:00Z'),
  links: [{ schedule, expiresOn: null }],
  version: 1,
};
/** The draft's rules as the document holds them. */
const rulesDoc = calendarRules({ meeting_duration_minutes: 30 });
/** The draft as `calendars` holds it. */
const draftDoc = {
  _id: CAL,
  user_id: USER,
  name: draft.name,
  rules: rulesDoc,
  created_at: draft.createdAt,
  links: [{ schedule: scheduleDoc, expires_on: null }],
  version: 1,
};
const event = (status: ProjectedEvent['status']) =>
  projectedEvent(CAL, EVENT, ['2030-06-24T10:00:00.000Z', '2030-06-24T10:30:00.000Z'], status);
const stored = (status: ProjectedEvent['status']) => ({
  _id: EVENT,
  calendar_id: CAL,
  title: 'Call',
  start_time: new Date('2030-06-24T10:00:00.000Z'),
  end_time: new Date('2030-06-24T10:30:00.000Z'),
  booked_by: 'ann@example.com',
  booker_name: null,
  notes: null,
  guests: ['bob@example.com'],
  status,
  created_at: new Date('2030-06-01T00:00:00.000Z'),
});

const { rec, repository: calendars } = useMongoRecorder((connection) => new MongoCalendarRepository(connection), {
  clear: true,
});

const trail = () => rec.commands.filter((c) => c.collection !== '$session').map((c) => `${c.collection}.${c.method}`);
const allInOneTransaction = () =>
  rec.commands.filter((c) => c.collection !== '$session').every((c) => c.session === 1 && c.inTransaction);

describe('calendar changes and their messages', () => {
  it('when a calendar is created, then the calendar and its messages are inserted in one transaction', async () => {
    await calendars.create({ kind: 'calendarCreated', calendar: draft, at: AT });
    expect(trail()).toEqual(['calendars.insertOne', 'calendar_outbox.insertMany']);
    expect(allInOneTransaction()).toBe(true);
    expect(rec.sessionEvents.map((e) => e.event)).toEqual(['start', 'startTransaction', 'commitTransaction', 'end']);
    expect(rec.on('calendars', 'insertOne')[0]!.args[0]).toMatchObject(draftDoc);
    expect(rec.on('calendars', 'insertOne')[0]!.args[0]).not.toHaveProperty('events');
    const outboxDocs = rec.on('calendar_outbox', 'insertMany')[0]!.args[0] as Array<{
      _id: string;
      aggregate_id: string;
      message: Envelope;
    }>;
    expect(outboxDocs.map((doc) => [doc._id, doc.aggregate_id, doc.message.type])).toEqual([
      [outboxDocs[0]!.message.id, CAL, 'CalendarCreated'],
      [outboxDocs[1]!.message.id, CAL, 'ScheduleLinked'],
    ]);
  });

  it('when a calendar is saved, then one update conditional on the version read and its message commit together', async () => {
    const link = {
      schedule: { ...schedule, id: 'eeeeeeeeeeeeeeeeeeeeeeee' },
      expiresOn: new Date('2030-09-01T00:00:00Z'),
    };
    const next = { ...draft, links: [...draft.links, link], version: 2 };
    expect(await calendars.save({ kind: 'scheduleLinked', calendar: next, link, at: AT }, 1)).toBe(true);
    expect(trail()).toEqual(['calendars.updateOne', 'calendar_outbox.insertMany']);
    expect(allInOneTransaction()).toBe(true);
    expect(rec.on('calendars', 'updateOne')[0]!.args.slice(0, 2)).toEqual([
      { _id: CAL, version: 1 },
      {
        $set: {
          name: draft.name,
          rules: rulesDoc,
          links: [
            { schedule: scheduleDoc, expires_on: null },
            {
              schedule: { ...scheduleDoc, id: 'eeeeeeeeeeeeeeeeeeeeeeee' },
              expires_on: new Date('2030-09-01T00:00:00Z'),
            },
          ],
          version: 2,
        },
      },
    ]);
    const [outboxDoc] = rec.on('calendar_outbox', 'insertMany')[0]!.args[0] as Array<{ message: Envelope }>;
    expect(outboxDoc!.message).toMatchObject({ type: 'ScheduleLinked', data: { calendar_id: CAL, version: 2 } });
  });

  it('when the calendar moved on meanwhile, then nothing is written and no message either', async () => {
    rec.answer('calendars', 'updateOne', { acknowledged: true, matchedCount: 0, modifiedCount: 0 });
    const next = { ...draft, links: [], version: 2 };
    expect(await calendars.save({ kind: 'scheduleUnlinked', calendar: next, scheduleId: SCHEDULE, at: AT }, 1)).toBe(
      false,
    );
    expect(trail()).toEqual(['calendars.updateOne']);
  });

  it('when a calendar is read, then it is found by id and carries no events', async () => {
    rec.answer('calendars', 'findOne', draftDoc);
    expect(await calendars.findById(CAL)).toEqual(draft);
    expect(rec.on('calendars', 'findOne')[0]!.args[0]).toEqual({ _id: CAL });
  });
});

describe('events projection', () => {
  /** The conditional upsert of an event at `version`: over an older version, or an unversioned confirmed one. */
  const upsertOf = (status: ProjectedEvent['status'], version: number) => ({
    collection: 'calendar_events',
    method: 'updateOne',
    args: [
      {
        _id: EVENT,
        $or: [{ version: { $lt: version } }, { version: { $exists: false }, status: 'confirmed' }],
      },
      { $set: { ...(({ _id, ...fields }) => fields)(stored(status)), version } },
      expect.objectContaining({ upsert: true }),
    ],
  });

  it('when a booking message is applied, then one upsert writes the event over any older version', async () => {
    await calendars.applyEvent(event('confirmed'));
    expect(rec.on('calendar_events')).toEqual([upsertOf('confirmed', 1)]);
  });

  it('when a cancellation is applied, then one upsert writes it canceled over any older version, present or not', async () => {
    await calendars.applyEvent(event('canceled'));
    expect(rec.on('calendar_events')).toEqual([upsertOf('canceled', 2)]);
  });

  it('when a reschedule is applied, then one upsert writes the new times at its version', async () => {
    const moved = projectedEvent(CAL, EVENT, ['2030-06-24T12:00:00.000Z', '2030-06-24T12:30:00.000Z'], 'confirmed', 3);
    await calendars.applyEvent(moved);
    const [upsert] = rec.on('calendar_events', 'updateOne');
    expect(upsert!.args[0]).toMatchObject({ _id: EVENT, $or: [{ version: { $lt: 3 } }, expect.anything()] });
    expect(upsert!.args[1]).toMatchObject({
      $set: { start_time: moved.start, end_time: moved.end, status: 'confirmed', version: 3 },
    });
  });

  it('when a newer version is stored, then the upsert fails on the duplicate id and that is the end of it', async () => {
    rec.answer('calendar_events', 'updateOne', duplicateKeyError('test.calendar_events', '_id_', { _id: EVENT }));
    await expect(calendars.applyEvent(event('confirmed'))).resolves.toBeUndefined();
    expect(rec.on('calendar_events', 'updateOne')).toHaveLength(1);
  });

  it('when the detail is read, then one index range gives the confirmed events that end after now, with their versions', async () => {
    const { version: _unversioned, ...old } = { ...stored('confirmed'), version: undefined };
    rec.answer('calendar_events', 'find', [
      { ...stored('confirmed'), version: 1 },
      { ...old, _id: '222222222222222222222222' },
    ]);
    const now = new Date('2030-06-24T10:15:00.000Z');
    expect(await calendars.upcomingEvents(CAL, now)).toEqual([
      event('confirmed'),
      { ...event('confirmed'), id: '222222222222222222222222', version: 0 },
    ]);
    const [query] = rec.on('calendar_events', 'find');
    expect(query!.args[0]).toEqual({ calendar_id: CAL, status: 'confirmed', end_time: { $gt: now } });
    expect(query!.args[1]).toMatchObject({ sort: { end_time: 1 } });
    expect(servedBy(query!, rec.indexes())?.options.name).toBe('confirmed_by_end');
  });
});

describe('calendar lifecycle', () => {
  it('when a calendar is removed, then the delete conditional on its version, its events and its message commit together', async () => {
    const deletion = { kind: 'calendarDeleted' as const, calendar: { ...draft, version: 2 }, at: AT };
    expect(await calendars.remove(deletion, 1, 'req-1')).toBe(true);
    expect(trail()).toEqual(['calendars.deleteOne', 'calendar_events.deleteMany', 'calendar_outbox.insertMany']);
    expect(allInOneTransaction()).toBe(true);
    expect(rec.on('calendars', 'deleteOne')[0]!.args[0]).toEqual({ _id: CAL, version: 1 });
    expect(rec.on('calendar_events', 'deleteMany')[0]!.args[0]).toEqual({ calendar_id: CAL });
    const [outboxDoc] = rec.on('calendar_outbox', 'insertMany')[0]!.args[0] as Array<{ message: Envelope }>;
    expect(outboxDoc!.message).toMatchObject({
      type: 'CalendarDeleted',
      data: { calendar_id: CAL, user_id: USER, version: 2 },
    });
  });

  it('when the calendar moved on or is gone, then a removal deletes nothing else and announces nothing', async () => {
    rec.answer('calendars', 'deleteOne', { acknowledged: true, deletedCount: 0 });
    const deletion = { kind: 'calendarDeleted' as const, calendar: { ...draft, version: 2 }, at: AT };
    expect(await calendars.remove(deletion, 1)).toBe(false);
    expect(trail()).toEqual(['calendars.deleteOne']);
  });

  it("when a user's calendars are listed, then one query by owner in creation order, served by its index", async () => {
    rec.answer('calendars', 'find', [draftDoc]);
    expect(await calendars.listByUser(USER)).toEqual([draft]);
    const [query] = rec.on('calendars', 'find');
    expect(query!.args[0]).toEqual({ user_id: USER });
    expect(query!.args[1]).toMatchObject({ sort: { created_at: 1, _id: 1 } });
    expect(servedBy(query!, rec.indexes())?.options.name).toBe('by_owner');
  });

  it('when the calendars linking a schedule are asked for, then one query on the links, served by its index', async () => {
    const versioned = { ...draftDoc, links: [{ ...draftDoc.links[0]!, schedule_version: 3 }] };
    rec.answer('calendars', 'find', [versioned]);
    expect(await calendars.findLinking(SCHEDULE)).toEqual([
      { ...draft, links: [{ ...draft.links[0]!, scheduleVersion: 3 }] },
    ]);
    const [query] = rec.on('calendars', 'find');
    expect(query!.args[0]).toEqual({ 'links.schedule.id': SCHEDULE });
    expect(query!.args[1]).toMatchObject({ sort: { _id: 1 } });
    expect(servedBy(query!, rec.indexes())?.options.name).toBe('by_linked_schedule');
  });

  it("when a link records its schedule's version, then the saved document keeps it beside the snapshot", async () => {
    const next = { ...draft, links: [{ ...draft.links[0]!, scheduleVersion: 4 }], version: 2 };
    expect(await calendars.save({ kind: 'calendarUpdated', calendar: next, at: AT }, 1)).toBe(true);
    const [update] = rec.on('calendars', 'updateOne');
    expect(update!.args[1]).toMatchObject({
      $set: { links: [{ schedule: scheduleDoc, expires_on: null, schedule_version: 4 }], version: 2 },
    });
    const [outboxDoc] = rec.on('calendar_outbox', 'insertMany')[0]!.args[0] as Array<{ message: Envelope }>;
    expect(outboxDoc!.message).toMatchObject({ type: 'CalendarUpdated', data: { calendar_id: CAL, version: 2 } });
  });
});
