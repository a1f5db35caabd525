/**
 * The MongoDB ledger at the command level: every method runs against the recording layer under
 * mongoose, and the tests assert what reaches the driver. They run everywhere; the contract
 * suite runs the same adapter against a real server where one exists.
 */
import {
  duplicateKeyError,
  useMongoRecorder,
  servedBy,
  writeConflict,
  type RecordedCommand,
  calendarRules,
} from '@slotkeeper/testing';
import { EARLIEST_INSTANT, LATEST_INSTANT } from '@slotkeeper/time';
import { describe, expect, it } from 'vitest';
import {
  EVENTS_LIST_INDEX,
  IDEMPOTENCY_INDEX,
  MongoLedgerRepository,
  RESCHEDULE_KEY_INDEX,
} from '../src/adapters/mongo/mongo-ledger-repository.js';
import type { CalendarLedger, EventChange, NewEvent, RescheduleRequest } from '../src/domain/ledger.js';
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
const change = (kind: 'booked' | 'canceled'): EventChange => ({
  kind,
  event: { ...newEvent(), status: kind === 'booked' ? 'confirmed' : 'canceled', version: kind === 'booked' ? 1 : 2 },
  occurredAt: at('09:00'),
});
/** The message `change(kind)` announces, as the outbox stores it: its id is the outbox document's. */
const messageOf = (kind: 'booked' | 'canceled', id: string) => ({
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
    version: kind === 'booked' ? 1 : 2,
  },
});
/** The outbox documents one `insertMany` wrote. */
const outboxDocs = (index = 0) => rec.on('booking_outbox', 'insertMany')[index]!.args[0] as Array<{ _id: string }>;

const { rec, repository: ledgers } = useMongoRecorder((connection) => new MongoLedgerRepository(connection), {
  clear: true,
});

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
    expect(head!.args.slice(0, 2)).toEqual([
      { _id: CAL, version: 3, closed: { $ne: true } },
      { $inc: { reservations: 1 } },
    ]);
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

  it('when a confirmed event is canceled, then it is read, and its status, next version and message written, in one transaction', async () => {
    rec.answer('booking_events', 'findOne', { ...eventDoc('10:00', '10:30'), guests: ['bob@example.com'] });
    expect(await ledgers.cancel(EVENT_ID, at('09:00'))).toMatchObject({ status: 'canceled', version: 2 });
    expect(trail()).toEqual(['booking_events.findOne', 'booking_events.updateOne', 'booking_outbox.insertMany']);
    expect(rec.on('booking_events', 'findOne')[0]!.args[0]).toEqual({ _id: EVENT_ID });
    const [update] = rec.on('booking_events', 'updateOne');
    expect(update!.args.slice(0, 2)).toEqual([
      { _id: EVENT_ID, status: 'confirmed' },
      { $set: { status: 'canceled', version: 2 } },
    ]);
    const [stored] = outboxDocs();
    expect(stored).toMatchObject({ aggregate_id: CAL, message: messageOf('canceled', stored!._id) });
    expect(rec.commands.filter((c) => c.collection !== '$session').every((c) => c.inTransaction)).toBe(true);
  });

  it('when a rescheduled event is canceled, then its message carries the version after the last change', async () => {
    rec.answer('booking_events', 'findOne', { ...eventDoc('11:00', '11:30'), version: 3 });
    await ledgers.cancel(EVENT_ID, at('09:00'));
    expect(rec.on('booking_events', 'updateOne')[0]!.args[1]).toEqual({ $set: { status: 'canceled', version: 4 } });
    expect(outboxDocs()[0]).toMatchObject({
      message: { data: { version: 4, status: 'canceled', start_time: at('11:00').toISOString() } },
    });
  });

  it('when the event was not confirmed, then nothing else is written', async () => {
    expect(await ledgers.cancel(EVENT_ID, at('09:00'))).toBeNull();
    rec.answer('booking_events', 'findOne', { ...eventDoc('10:00', '10:30'), status: 'canceled' });
    expect(await ledgers.cancel(EVENT_ID, at('09:00'))).toBeNull();
    expect(trail()).toEqual(['booking_events.findOne', 'booking_events.findOne']);
  });
});

describe('reschedule', () => {
  const OTHER = '222222222222222222222222';
  const request = (extra: Partial<RescheduleRequest> = {}): RescheduleRequest => ({
    eventId: EVENT_ID,
    calendarId: CAL,
    start: at('11:00'),
    end: at('11:30'),
    guard: span('10:55', '11:35'),
    version: 3,
    occurredAt: at('09:00'),
    claim: null,
    ...extra,
  });
  const inTransaction = () => rec.commands.filter((c) => c.collection !== '$session').every((c) => c.inTransaction);

  it('declares the events-list index and the per-calendar unique claim index', () => {
    expect(indexNamed(EVENTS_LIST_INDEX)).toEqual({
      collection: 'booking_events',
      key: { calendar_id: 1, status: 1, start_time: 1, _id: 1, end_time: 1 },
      options: expect.not.objectContaining({ partialFilterExpression: expect.anything() }),
    });
    expect(indexNamed(RESCHEDULE_KEY_INDEX)).toEqual({
      collection: 'booking_reschedule_claims',
      key: { calendar_id: 1, key: 1 },
      options: expect.objectContaining({ unique: true }),
    });
  });

  it('when the new time is free, then head, event, overlap seek (skipping the event), move, claim and message run in one transaction', async () => {
    rec.answer('booking_events', 'findOne', eventDoc('10:00', '10:30'));
    const claim = { key: 'move-1', requestHash: 'fingerprint' };
    const result = await ledgers.reschedule(request({ claim }));
    expect(result).toMatchObject({ outcome: 'rescheduled', event: { id: EVENT_ID, start: at('11:00'), version: 2 } });
    expect(trail()).toEqual([
      'booking_calendars.updateOne',
      'booking_events.findOne',
      'booking_events.findOne',
      'booking_events.updateOne',
      'booking_reschedule_claims.insertOne',
      'booking_outbox.insertMany',
    ]);
    expect(inTransaction()).toBe(true);
    const [head] = rec.on('booking_calendars', 'updateOne');
    expect(head!.args.slice(0, 2)).toEqual([
      { _id: CAL, version: 3, closed: { $ne: true } },
      { $inc: { reservations: 1 } },
    ]);
    const [read, overlap] = rec.on('booking_events', 'findOne');
    expect(read!.args[0]).toEqual({ _id: EVENT_ID });
    expect(overlap!.args[0]).toEqual({
      calendar_id: CAL,
      status: 'confirmed',
      start_time: { $lt: at('11:35') },
      _id: { $ne: EVENT_ID },
    });
    expect(overlap!.args[1]).toMatchObject({ sort: { start_time: -1 } });
    // Either index seeks it: (calendar, confirmed) by start, the event itself skipped on the way.
    expect(servedBy(overlap!, rec.indexes())?.options.name).toMatch(/^(confirmed_by_start|events_by_status_start_id)$/);
    const [move] = rec.on('booking_events', 'updateOne');
    expect(move!.args.slice(0, 2)).toEqual([
      { _id: EVENT_ID, status: 'confirmed' },
      {
        $set: {
          start_time: at('11:00'),
          end_time: at('11:30'),
          version: 2,
          booked_times: { start_time: at('10:00'), end_time: at('10:30') },
        },
      },
    ]);
    expect(rec.on('booking_reschedule_claims', 'insertOne')[0]!.args[0]).toMatchObject({
      calendar_id: CAL,
      key: 'move-1',
      request_hash: 'fingerprint',
      event_id: EVENT_ID,
      start_time: at('11:00'),
      end_time: at('11:30'),
      version: 2,
    });
    const [stored] = outboxDocs();
    expect(stored).toMatchObject({
      aggregate_id: CAL,
      message: {
        type: 'EventRescheduled',
        occurred_at: at('09:00').toISOString(),
        data: {
          id: EVENT_ID,
          status: 'confirmed',
          version: 2,
          start_time: at('11:00').toISOString(),
          end_time: at('11:30').toISOString(),
          previous_start_time: at('10:00').toISOString(),
          previous_end_time: at('10:30').toISOString(),
        },
      },
    });
  });

  it('when it comes without a key, then no claim is written; a stored version is raised by one, the booked times kept', async () => {
    const booked = { start_time: at('09:00'), end_time: at('09:30') };
    rec.answer('booking_events', 'findOne', { ...eventDoc('10:00', '10:30'), version: 4, booked_times: booked });
    expect(await ledgers.reschedule(request())).toMatchObject({
      outcome: 'rescheduled',
      event: { version: 5, bookedTimes: { start: at('09:00'), end: at('09:30') } },
    });
    expect(rec.on('booking_reschedule_claims')).toEqual([]);
    expect(rec.on('booking_events', 'updateOne')[0]!.args[1]).toMatchObject({
      $set: { version: 5, booked_times: booked },
    });
  });

  it('when the calendar moved on, the event is unknown, elsewhere or canceled, then the transaction aborts without writing', async () => {
    rec.answer('booking_calendars', 'updateOne', { acknowledged: true, matchedCount: 0, modifiedCount: 0 });
    expect(await ledgers.reschedule(request())).toEqual({ outcome: 'stale' });
    expect(await ledgers.reschedule(request())).toEqual({ outcome: 'not-found' });
    rec.answer('booking_events', 'findOne', { ...eventDoc('10:00', '10:30'), calendar_id: 'dddddddddddddddddddddddd' });
    expect(await ledgers.reschedule(request())).toEqual({ outcome: 'not-found' });
    rec.answer('booking_events', 'findOne', { ...eventDoc('10:00', '10:30'), status: 'canceled' });
    expect(await ledgers.reschedule(request())).toEqual({ outcome: 'not-confirmed' });
    expect(rec.on('booking_events', 'updateOne')).toEqual([]);
    expect(rec.on('booking_outbox')).toEqual([]);
    expect(rec.sessionEvents.filter((e) => e.event === 'abortTransaction')).toHaveLength(4);
  });

  it('when another event reaches into the guard, then the answer is conflict and nothing is written', async () => {
    rec.answer('booking_events', 'findOne', eventDoc('10:00', '10:30'));
    rec.answer('booking_events', 'findOne', eventDoc('10:30', '10:56', OTHER));
    expect(await ledgers.reschedule(request())).toEqual({ outcome: 'conflict' });
    expect(trail()).toEqual(['booking_calendars.updateOne', 'booking_events.findOne', 'booking_events.findOne']);
  });

  it('when the claim index refuses the key, then the answer is duplicate-key; a concurrent write conflict runs it all again', async () => {
    rec.answer('booking_events', 'findOne', eventDoc('10:00', '10:30'));
    rec.answer(
      'booking_reschedule_claims',
      'insertOne',
      duplicateKeyError('test.booking_reschedule_claims', RESCHEDULE_KEY_INDEX, { calendar_id: CAL, key: 'k' }),
    );
    expect(await ledgers.reschedule(request({ claim: { key: 'k', requestHash: 'h' } }))).toEqual({
      outcome: 'duplicate-key',
    });
    rec.clear();
    rec.answer('booking_calendars', 'updateOne', writeConflict());
    rec.answer('booking_events', 'findOne', eventDoc('10:00', '10:30'));
    expect((await ledgers.reschedule(request())).outcome).toBe('rescheduled');
    expect(trail().slice(0, 2)).toEqual(['booking_calendars.updateOne', 'booking_calendars.updateOne']);
  });

  it('when a claim is looked up, then the query names the calendar and the key, served by the unique index', async () => {
    rec.answer('booking_reschedule_claims', 'findOne', {
      calendar_id: CAL,
      key: 'k',
      request_hash: 'h',
      event_id: EVENT_ID,
      start_time: at('11:00'),
      end_time: at('11:30'),
      version: 2,
    });
    expect(await ledgers.findRescheduleClaim(CAL, 'k')).toEqual({
      eventId: EVENT_ID,
      requestHash: 'h',
      start: at('11:00'),
      end: at('11:30'),
      version: 2,
    });
    const [lookup] = rec.on('booking_reschedule_claims', 'findOne');
    expect(lookup!.args[0]).toEqual({ calendar_id: CAL, key: 'k' });
    expect(servedBy(lookup!, rec.indexes())?.options.name).toBe(RESCHEDULE_KEY_INDEX);
  });

  it('when an event stored before versions existed is read, then it is at version 1', async () => {
    rec.answer('booking_events', 'findOne', eventDoc('10:00', '10:30'));
    expect((await ledgers.findEvent(EVENT_ID))?.version).toBe(1);
  });

  it('when an event is booked, then its document starts at version 1', async () => {
    await ledgers.reserve(newEvent(), span('10:00', '10:30'), [], 3);
    expect(rec.on('booking_events', 'insertOne')[0]!.args[0]).toMatchObject({ version: 1 });
  });
});

describe('events list', () => {
  const range = span('09:00', '12:00');

  it('when a page is read, then one query asks limit + 1 events of the status by (start, id), served by the list index', async () => {
    rec.answer('booking_events', 'find', [
      eventDoc('10:00', '10:30'),
      eventDoc('11:00', '11:30', '222222222222222222222222'),
    ]);
    const page = await ledgers.listEvents(CAL, { range, status: 'confirmed', limit: 1 });
    expect(page).toMatchObject({ events: [{ id: EVENT_ID }], more: true });
    const [query] = rec.on('booking_events', 'find');
    expect(query!.args[0]).toEqual({
      calendar_id: CAL,
      status: 'confirmed',
      start_time: { $lt: at('12:00') },
      end_time: { $gt: at('09:00') },
    });
    expect(query!.args[1]).toMatchObject({ sort: { start_time: 1, _id: 1 }, limit: 2 });
    expect(servedBy(query!, rec.indexes())?.options.name).toBe(EVENTS_LIST_INDEX);
  });

  it('when every status is asked, then both statuses are read from the same index, in the same order', async () => {
    await ledgers.listEvents(CAL, { range, status: 'all', limit: 100 });
    const [query] = rec.on('booking_events', 'find');
    expect(query!.args[0]).toMatchObject({ status: { $in: ['confirmed', 'canceled'] } });
    expect(servedBy(query!, rec.indexes())?.options.name).toBe(EVENTS_LIST_INDEX);
    expect(await ledgers.listEvents(CAL, { range, status: 'canceled', limit: 100 })).toEqual({
      events: [],
      more: false,
    });
    expect(servedBy(rec.on('booking_events', 'find')[1]!, rec.indexes())?.options.name).toBe(EVENTS_LIST_INDEX);
  });

  it('when a cursor is given, then the page starts after that event in the order (start, id)', async () => {
    await ledgers.listEvents(CAL, {
      range,
      status: 'canceled',
      limit: 10,
      after: { start: at('10:00'), id: EVENT_ID },
    });
    const [query] = rec.on('booking_events', 'find');
    expect(query!.args[0]).toMatchObject({
      $or: [{ start_time: { $gt: at('10:00') } }, { start_time: at('10:00'), _id: { $gt: EVENT_ID } }],
    });
    // The same index: the cursor's conditions only narrow the (status, start, id) range.
    const { $or: _cursor, ...rest } = query!.args[0] as Record<string, unknown>;
    expect(servedBy({ ...query!, args: [rest, ...query!.args.slice(1)] }, rec.indexes())?.options.name).toBe(
      EVENTS_LIST_INDEX,
    );
  });
});

describe('close', () => {
  it('when nothing is still to come, then the head is marked closed (created if unknown) in a transaction, after one seek', async () => {
    rec.answer('booking_events', 'findOne', eventDoc('08:00', '09:00'));
    expect(await ledgers.close(CAL, at('09:00'))).toBe('closed');
    expect(trail()).toEqual(['booking_calendars.updateOne', 'booking_events.findOne']);
    const [head] = rec.on('booking_calendars', 'updateOne');
    expect(head!.args[0]).toEqual({ _id: CAL });
    expect(head!.args[1]).toMatchObject({ $set: { closed: true }, $inc: { reservations: 1 } });
    expect(head!.args[2]).toMatchObject({ upsert: true });
    const [latest] = rec.on('booking_events', 'findOne');
    expect(latest!.args[0]).toMatchObject({ calendar_id: CAL, status: 'confirmed' });
    expect(latest!.args[1]).toMatchObject({ sort: { start_time: -1 } });
    expect(servedBy(latest!, rec.indexes())?.options.name).toBe('confirmed_by_start');
    expect(rec.commands.filter((c) => c.collection !== '$session').every((c) => c.inTransaction)).toBe(true);
    expect(rec.sessionEvents.map((e) => e.event)).toContain('commitTransaction');
  });

  it('when the last confirmed event has not ended, then the transaction aborts: busy, nothing closed', async () => {
    rec.answer('booking_events', 'findOne', eventDoc('08:00', '09:01'));
    expect(await ledgers.close(CAL, at('09:00'))).toBe('busy');
    expect(rec.sessionEvents.map((e) => e.event)).toContain('abortTransaction');
    expect(rec.sessionEvents.map((e) => e.event)).not.toContain('commitTransaction');
  });

  it('when no instant is given, then it closes without looking at events', async () => {
    expect(await ledgers.close(CAL)).toBe('closed');
    expect(trail()).toEqual(['booking_calendars.updateOne']);
  });

  it('when a closed calendar is read, then it reads as closed, even a stub that never had a state', async () => {
    rec.answer('booking_calendars', 'findOne', { _id: CAL, closed: true });
    expect(await ledgers.findCalendar(CAL)).toMatchObject({ calendarId: CAL, closed: true, links: [] });
  });
});
