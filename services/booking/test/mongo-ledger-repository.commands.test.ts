/**
 * The MongoDB ledger at the command level: every method runs against the recording layer under
 * mongoose, and the tests assert what reaches the driver. They run everywhere; the contract
 * suite runs the same adapter against a real server where one exists.
 */
import {
  duplicateKeyError,
  mongoRecorder,
  servedBy,
  writeConflict,
  type MongoRecorder,
  type RecordedCommand,
  calendarRules,
} from '@slotkeeper/testing';
import { EARLIEST_INSTANT, LATEST_INSTANT } from '@slotkeeper/time';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IDEMPOTENCY_INDEX, MongoLedgerRepository } from '../src/adapters/mongo/mongo-ledger-repository.js';
import type { CalendarLedger, EventChange, NewEvent } from '../src/domain/ledger.js';
import { CAL, ledgerRules, WORK_SCHEDULE } from './fixtures.js';

const EVENT_ID = '111111111111111111111111';
const at = (hhmm: string) => new Date(`2030-06-24T${hhmm}:00.000Z`);
const span = (from: string, to: string) => ({ start: at(from).getTime(), end: at(to).getTime() });
const newEvent = (key: string | null = null): NewEvent => ({
  id: EVENT_ID,
  calendarId: CAL,
  title: 'Call',
  start: at('10:00'),
  end: at('10:30'),
  bookedBy: 'ann@example.com',
  bookerName: null,
  notes: null,
  guests: ['bob@example.com'],
  createdAt: at('08:00'),
  idempotencyKey: key,
  requestHash: key ? 'fingerprint' : null,
  cancelToken: { salt: 'salt', hash: 'hash' },
});
const eventDoc = (from: string, to: string, id = EVENT_ID) => ({
  _id: id,
  calendar_id: CAL,
  title: 'Call',
  start_time: at(from),
  end_time: at(to),
  booked_by: 'ann@example.com',
  booker_name: null,
  notes: null,
  guests: [],
  status: 'confirmed',
  created_at: at('08:00'),
  cancel_token: { salt: 's', hash: 'h' },
});
const change = (kind: EventChange['kind']): EventChange => ({
  kind,
  event: { ...newEvent(), status: kind === 'booked' ? 'confirmed' : 'canceled' },
  occurredAt: at('09:00'),
});
/** The message `change(kind)` announces, as the outbox stores it: its id is the outbox document's. */
const messageOf = (kind: EventChange['kind'], id: string) => ({
  id,
  type: kind === 'booked' ? 'EventBooked' : 'EventCanceled',
  occurred_at: at('09:00').toISOString(),
  data: {
    id: EVENT_ID,
    calendar_id: CAL,
    title: 'Call',
    start_time: at('10:00').toISOString(),
    end_time: at('10:30').toISOString(),
    booked_by: 'ann@example.com',
    booker_name: null,
    notes: null,
    guests: ['bob@example.com'],
    status: kind === 'booked' ? 'confirmed' : 'canceled',
    created_at: at('08:00').toISOString(),
  },
});
/** The outbox documents one `insertMany` wrote. */
const outboxDocs = (index = 0) => rec.on('booking_outbox', 'insertMany')[index]!.args[0] as Array<{ _id: string }>;

let rec: MongoRecorder;
let ledgers: MongoLedgerRepository;

beforeEach(async () => {
  rec = await mongoRecorder();
  ledgers = new MongoLedgerRepository(rec.connection);
  await ledgers.init();
  rec.clear();
});
afterEach(() => rec.close());

/** The commands that changed or read data, in order, as `collection.method`. */
const trail = () => rec.commands.filter((c) => c.collection !== '$session').map((c) => `${c.collection}.${c.method}`);
const indexNamed = (name: string) => rec.indexes().find((index) => index.options.name === name);
const isRealDate = (value: unknown) => value instanceof Date && !Number.isNaN(value.getTime());

describe('indexes', () => {
  it('declares the confirmed-events index and the per-calendar unique idempotency index', () => {
    expect(indexNamed('confirmed_by_start')).toEqual({
      collection: 'booking_events',
      key: { calendar_id: 1, start_time: 1 },
      options: expect.objectContaining({ partialFilterExpression: { status: 'confirmed' } }),
    });
    expect(indexNamed(IDEMPOTENCY_INDEX)).toEqual({
      collection: 'booking_events',
      key: { calendar_id: 1, idempotency_key: 1 },
      options: expect.objectContaining({
        unique: true,
        partialFilterExpression: { idempotency_key: { $type: 'string' } },
      }),
    });
    expect(indexNamed('pending_by_aggregate')).toMatchObject({
      collection: 'booking_outbox',
      key: { aggregate_id: 1, seq: 1 },
    });
  });
});

describe('calendar projection', () => {
  const settings = {
    calendarId: CAL,
    userId: 'bbbbbbbbbbbbbbbbbbbbbbbb',
    rules: ledgerRules({ meetingDurationMinutes: 30, bufferAfterMinutes: 5 }),
  };
  /** The same rules as the document holds them. */
  const rulesDoc = calendarRules({ meeting_duration_minutes: 30, buffer_after_minutes: 5 });
  const link: CalendarLedger['links'][number] = {
    schedule: WORK_SCHEDULE,
    expiresOn: new Date('2030-12-31T00:00:00Z'),
  };
  /** The link as the document holds it: the snapshot the calendar's message carried. */
  const linkDoc = {
    schedule: {
      id: 'cccccccccccccccccccccccc',
      timezone: 'Europe/Berlin',
      time_slots: [{ day_of_week: 'monday', start_time: '09:00', end_time: '17:00' }],
      date_overrides: [{ date: '2030-12-25', time_slots: [] }],
    },
    expires_on: link.expiresOn,
  };

  it('when a calendar state arrives, then one upsert writes it only over an older version', async () => {
    expect(await ledgers.applyCalendar({ ...settings, links: [link], version: 4 })).toBe(true);
    expect(rec.on('booking_calendars')).toEqual([
      {
        collection: 'booking_calendars',
        method: 'updateOne',
        args: [
          { _id: CAL, version: { $lt: 4 } },
          {
            $set: {
              user_id: settings.userId,
              rules: rulesDoc,
              links: [linkDoc],
              version: 4,
            },
            // mongoose adds the schema's default on insert.
            $setOnInsert: { reservations: 0 },
          },
          expect.objectContaining({ upsert: true }),
        ],
      },
    ]);
  });

  it('when the upsert collides on _id, then the update runs again without it: a concurrent first delivery never drops a newer version', async () => {
    rec.answer('booking_calendars', 'updateOne', duplicateKeyError('test.booking_calendars', '_id_', { _id: CAL }));
    rec.answer('booking_calendars', 'updateOne', { acknowledged: true, matchedCount: 0, modifiedCount: 0 });
    expect(await ledgers.applyCalendar({ ...settings, links: [], version: 2 })).toBe(false);
    const [, again] = rec.on('booking_calendars', 'updateOne');
    expect(again!.args[0]).toEqual({ _id: CAL, version: { $lt: 2 } });
    expect(again!.args[2]).not.toHaveProperty('upsert');
    // The concurrent delivery was older: the second update applies this newer one.
    rec.answer('booking_calendars', 'updateOne', duplicateKeyError('test.booking_calendars', '_id_', { _id: CAL }));
    expect(await ledgers.applyCalendar({ ...settings, links: [], version: 4 })).toBe(true);
    rec.answer('booking_calendars', 'updateOne', duplicateKeyError('test.booking_calendars', 'other', { x: 1 }));
    await expect(ledgers.applyCalendar({ ...settings, links: [], version: 3 })).rejects.toMatchObject({ code: 11000 });
  });

  it('when a calendar is read, then it is found by id and mapped with its version', async () => {
    rec.answer('booking_calendars', 'findOne', {
      _id: CAL,
      user_id: settings.userId,
      rules: rulesDoc,
      links: [linkDoc],
      version: 7,
    });
    expect(await ledgers.findCalendar(CAL)).toEqual({ ...settings, links: [link], version: 7 });
    expect(rec.on('booking_calendars', 'findOne')[0]!.args[0]).toEqual({ _id: CAL });
  });

  it('when a calendar stored before the slot interval and horizon rules existed is read, then it has neither', async () => {
    const { slot_interval_minutes: _interval, booking_horizon_days: _horizon, ...olderRules } = rulesDoc;
    rec.answer('booking_calendars', 'findOne', {
      _id: CAL,
      user_id: settings.userId,
      rules: olderRules,
      links: [],
      version: 1,
    });
    expect((await ledgers.findCalendar(CAL))?.rules).toEqual({
      ...settings.rules,
      slotIntervalMinutes: null,
      bookingHorizonDays: null,
    });
  });
});

describe('range reads', () => {
  it('when a range is read, then two index seeks run: the last event before it, and those starting in it', async () => {
    rec.answer('booking_events', 'findOne', eventDoc('08:00', '09:30', '222222222222222222222222'));
    rec.answer('booking_events', 'find', [eventDoc('10:00', '10:30')]);
    const events = await ledgers.eventsBetween(CAL, span('09:00', '12:00'));
    expect(events.map((e) => e.id)).toEqual(['222222222222222222222222', EVENT_ID]);

    const [before] = rec.on('booking_events', 'findOne');
    const [inside] = rec.on('booking_events', 'find');
    expect(before!.args[0]).toEqual({ calendar_id: CAL, status: 'confirmed', start_time: { $lt: at('09:00') } });
    expect(before!.args[1]).toMatchObject({ sort: { start_time: -1 } });
    expect(inside!.args[0]).toEqual({
      calendar_id: CAL,
      status: 'confirmed',
      start_time: { $gte: at('09:00'), $lt: at('12:00') },
    });
    expect(inside!.args[1]).toMatchObject({ sort: { start_time: 1 } });
    for (const query of [before!, inside!])
      expect(servedBy(query, rec.indexes())?.options.name).toBe('confirmed_by_start');
  });

  it('when the last event before the range ended before it, then it is not listed', async () => {
    rec.answer('booking_events', 'findOne', eventDoc('08:00', '09:00', '222222222222222222222222'));
    expect(await ledgers.eventsBetween(CAL, span('09:00', '12:00'))).toEqual([]);
  });

  it('when the range is open-ended, then every bound sent is a real date, not an Invalid Date', async () => {
    await ledgers.eventsBetween(CAL, { start: EARLIEST_INSTANT, end: LATEST_INSTANT });
    const bounds = rec.commands
      .filter((c) => c.collection === 'booking_events')
      .flatMap((c) => Object.values((c.args[0] as { start_time: Record<string, unknown> }).start_time));
    expect(bounds).toHaveLength(3);
    for (const bound of bounds) expect(isRealDate(bound)).toBe(true);
  });
});

describe('reserve', () => {
  const inTransaction = (commands: RecordedCommand[]) => commands.every((c) => c.session === 1 && c.inTransaction);

  it('when nothing overlaps, then head, overlap check, event and message are written in one transaction', async () => {
    const result = await ledgers.reserve(newEvent(), span('09:55', '10:35'), [change('booked')], 3);
    expect(result).toMatchObject({ outcome: 'reserved', event: { id: EVENT_ID, status: 'confirmed' } });
    expect(trail()).toEqual([
      'booking_calendars.updateOne',
      'booking_events.findOne',
      'booking_events.insertOne',
      'booking_outbox.insertMany',
    ]);
    expect(inTransaction(rec.commands.filter((c) => c.collection !== '$session'))).toBe(true);
    expect(rec.sessionEvents.map((e) => e.event)).toEqual(['start', 'startTransaction', 'commitTransaction', 'end']);

    const [head] = rec.on('booking_calendars', 'updateOne');
    expect(head!.args.slice(0, 2)).toEqual([{ _id: CAL, version: 3 }, { $inc: { reservations: 1 } }]);
    const [overlap] = rec.on('booking_events', 'findOne');
    expect(overlap!.args[0]).toEqual({ calendar_id: CAL, status: 'confirmed', start_time: { $lt: at('10:35') } });
    expect(overlap!.args[1]).toMatchObject({ sort: { start_time: -1 } });
    expect(servedBy(overlap!, rec.indexes())?.options.name).toBe('confirmed_by_start');
    const [insert] = rec.on('booking_events', 'insertOne');
    expect(insert!.args[0]).toMatchObject({ _id: EVENT_ID, calendar_id: CAL, status: 'confirmed' });
    expect(insert!.args[0]).not.toHaveProperty('idempotency_key');
    const [stored, ...more] = outboxDocs();
    expect(more).toEqual([]);
    expect(stored).toMatchObject({ aggregate_id: CAL, message: messageOf('booked', stored!._id) });
  });

  it('when an idempotency key comes with it, then the event carries it for the unique index to claim', async () => {
    await ledgers.reserve(newEvent('key-1'), span('10:00', '10:30'), [], 3);
    expect(rec.on('booking_events', 'insertOne')[0]!.args[0]).toMatchObject({
      idempotency_key: 'key-1',
      request_hash: 'fingerprint',
    });
  });

  it('when the calendar moved past the version checked, then nothing is written and the answer is stale', async () => {
    rec.answer('booking_calendars', 'updateOne', { acknowledged: true, matchedCount: 0, modifiedCount: 0 });
    expect(await ledgers.reserve(newEvent(), span('10:00', '10:30'), [change('booked')], 3)).toEqual({
      outcome: 'stale',
    });
    expect(trail()).toEqual(['booking_calendars.updateOne']);
    expect(rec.sessionEvents.map((e) => e.event)).toContain('abortTransaction');
  });

  it('when the last event before the guard reaches into it, then nothing is written and the answer is conflict', async () => {
    rec.answer('booking_events', 'findOne', eventDoc('09:00', '10:01', '222222222222222222222222'));
    expect(await ledgers.reserve(newEvent(), span('10:00', '10:30'), [change('booked')], 3)).toEqual({
      outcome: 'conflict',
    });
    expect(trail()).toEqual(['booking_calendars.updateOne', 'booking_events.findOne']);
    expect(rec.sessionEvents.map((e) => e.event)).toContain('abortTransaction');
  });

  it('when the last event before the guard ends at its start, then the reservation goes ahead', async () => {
    rec.answer('booking_events', 'findOne', eventDoc('09:00', '10:00', '222222222222222222222222'));
    expect((await ledgers.reserve(newEvent(), span('10:00', '10:30'), [], 3)).outcome).toBe('reserved');
  });

  it('when a concurrent reservation conflicts on the head, then the whole transaction runs again', async () => {
    rec.answer('booking_calendars', 'updateOne', writeConflict());
    expect((await ledgers.reserve(newEvent(), span('10:00', '10:30'), [], 3)).outcome).toBe('reserved');
    expect(trail()).toEqual([
      'booking_calendars.updateOne',
      'booking_calendars.updateOne',
      'booking_events.findOne',
      'booking_events.insertOne',
    ]);
  });

  it('when the idempotency index refuses the event, then the answer is duplicate-key; another index rethrows', async () => {
    rec.answer(
      'booking_events',
      'insertOne',
      duplicateKeyError('test.booking_events', IDEMPOTENCY_INDEX, { calendar_id: CAL, idempotency_key: 'k' }),
    );
    expect(await ledgers.reserve(newEvent('k'), span('10:00', '10:30'), [], 3)).toEqual({
      outcome: 'duplicate-key',
    });
    const collision = duplicateKeyError('test.booking_events', '_id_', { _id: EVENT_ID });
    rec.answer('booking_events', 'insertOne', collision);
    await expect(ledgers.reserve(newEvent(), span('10:00', '10:30'), [], 3)).rejects.toBe(collision);
  });
});

describe('event reads and cancel', () => {
  it('when an event is read, then it is found by its id', async () => {
    rec.answer('booking_events', 'findOne', eventDoc('10:00', '10:30'));
    expect((await ledgers.findEvent(EVENT_ID))?.start).toEqual(at('10:00'));
    expect(rec.on('booking_events', 'findOne')[0]!.args[0]).toEqual({ _id: EVENT_ID });
  });

  it('when a key is looked up, then the query names the calendar and the key as a plain value', async () => {
    const hostile = '{"$ne":null}';
    await ledgers.findByIdempotencyKey(CAL, hostile);
    const [lookup] = rec.on('booking_events', 'findOne');
    expect(lookup!.args[0]).toEqual({ calendar_id: CAL, idempotency_key: hostile });
    expect(servedBy(lookup!, rec.indexes())?.options.name).toBe(IDEMPOTENCY_INDEX);
  });

  it('when a confirmed event is canceled, then its status and its message are written in one transaction', async () => {
    rec.answer('booking_events', 'findOneAndUpdate', { ...eventDoc('10:00', '10:30'), status: 'canceled' });
    expect((await ledgers.cancel(EVENT_ID, [change('canceled')]))?.status).toBe('canceled');
    const [update] = rec.on('booking_events', 'findOneAndUpdate');
    expect(update!.args.slice(0, 2)).toEqual([
      { _id: EVENT_ID, status: 'confirmed' },
      { $set: { status: 'canceled' } },
    ]);
    expect(update!.args[2]).toMatchObject({ returnDocument: 'after' });
    const [stored] = outboxDocs();
    expect(stored).toMatchObject({ aggregate_id: CAL, message: messageOf('canceled', stored!._id) });
    expect(rec.commands.filter((c) => c.collection !== '$session').every((c) => c.inTransaction)).toBe(true);
  });

  it('when the event was not confirmed, then nothing else is written', async () => {
    expect(await ledgers.cancel(EVENT_ID, [change('canceled')])).toBeNull();
    expect(trail()).toEqual(['booking_events.findOneAndUpdate']);
  });
});
