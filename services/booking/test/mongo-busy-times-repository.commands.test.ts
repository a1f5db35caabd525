/**
 * The MongoDB busy times at the command level: every method runs against the recording layer
 * under mongoose, and the tests assert what reaches the driver. The contract suite runs the same
 * adapter against a real server where one exists.
 */
import { duplicateKeyError, onlyCommand, servedBy, useMongoRecorder } from '@slotkeeper/testing';
import { describe, expect, it } from 'vitest';
import { BUSY_SOURCES_INDEX, MongoBusyTimesRepository } from '../src/adapters/mongo/mongo-busy-times-repository.js';
import { UNKNOWN_UNTIL, type BusyTimes } from '../src/domain/busy-times.js';
import { CAL } from './fixtures.js';

const SOURCE = '111111111111111111111111';
const SECOND = '222222222222222222222222';
const at = (hhmm: string) => Date.parse(`2030-06-24T${hhmm}:00.000Z`);
const span = (from: string, to: string) => ({ start: at(from), end: at(to) });
const MONDAY = { start: at('00:00'), end: at('23:59') };
const WINDOW_END = Date.parse('2031-06-25T00:00:00.000Z');
const busyTimes = (version: number, extra: Partial<BusyTimes> = {}): BusyTimes => ({
  calendarId: CAL,
  sourceId: SOURCE,
  version,
  removed: false,
  busy: [span('10:00', '11:00'), span('12:00', '12:30')],
  windowEnd: WINDOW_END,
  ...extra,
});
const COLLECTION = 'booking_busy_times';

const { rec, repository: busy } = useMongoRecorder((connection) => new MongoBusyTimesRepository(connection), {
  clear: true,
});

/** The commands that read or changed data, in order, as `collection.method`. */
const trail = () => rec.commands.filter((c) => c.collection !== '$session').map((c) => `${c.collection}.${c.method}`);

describe('index', () => {
  it('declares the index a calendar’s sources and versions are read from', async () => {
    expect(rec.indexes().find((index) => index.options.name === BUSY_SOURCES_INDEX)).toEqual({
      collection: COLLECTION,
      key: { calendar_id: 1, removed: 1, _id: 1, version: 1 },
      options: expect.objectContaining({ name: BUSY_SOURCES_INDEX }),
    });
  });
});

describe('applying a source’s busy times', () => {
  it('when busy times arrive, then one upsert writes them as [start, end] pairs and the window’s end, only over an older version', async () => {
    expect(await busy.applyBusyTimes(busyTimes(4))).toBe(true);
    expect(onlyCommand(rec.on(COLLECTION))).toEqual({
      collection: COLLECTION,
      method: 'updateOne',
      args: [
        { _id: SOURCE, version: { $lt: 4 } },
        {
          $set: {
            calendar_id: CAL,
            version: 4,
            removed: false,
            busy: [
              [at('10:00'), at('11:00')],
              [at('12:00'), at('12:30')],
            ],
            window_end: WINDOW_END,
          },
        },
        expect.objectContaining({ upsert: true }),
      ],
    });
  });

  it('when a source is removed, then its tombstone keeps the version, and no busy times or window end', async () => {
    await busy.applyBusyTimes(busyTimes(5, { removed: true }));
    expect(onlyCommand(rec.on(COLLECTION)).args[1]).toEqual({
      $set: { calendar_id: CAL, version: 5, removed: true, busy: [], window_end: null },
    });
  });

  it('when the upsert collides on _id, then the update runs again without it; another error is not hidden', async () => {
    rec.answer(COLLECTION, 'updateOne', duplicateKeyError(`test.${COLLECTION}`, '_id_', { _id: SOURCE }));
    rec.answer(COLLECTION, 'updateOne', { acknowledged: true, matchedCount: 0, modifiedCount: 0 });
    expect(await busy.applyBusyTimes(busyTimes(2))).toBe(false);
    const [, again] = rec.on(COLLECTION, 'updateOne');
    expect(again!.args[0]).toEqual({ _id: SOURCE, version: { $lt: 2 } });
    expect(again!.args[2]).not.toHaveProperty('upsert');
    rec.answer(COLLECTION, 'updateOne', duplicateKeyError(`test.${COLLECTION}`, '_id_', { _id: SOURCE }));
    expect(await busy.applyBusyTimes(busyTimes(3))).toBe(true);
    rec.answer(COLLECTION, 'updateOne', duplicateKeyError(`test.${COLLECTION}`, 'other', { x: 1 }));
    await expect(busy.applyBusyTimes(busyTimes(4))).rejects.toMatchObject({ code: 11000 });
  });

  it('when a later version does not match, then false: nothing changed', async () => {
    rec.answer(COLLECTION, 'updateOne', { acknowledged: true, matchedCount: 0, modifiedCount: 0, upsertedCount: 0 });
    expect(await busy.applyBusyTimes(busyTimes(1))).toBe(false);
  });
});

describe('reading a calendar’s busy times', () => {
  const doc = (id: string, version: number, pairs: Array<[number, number]>, windowEnd = WINDOW_END) => ({
    _id: id,
    version,
    removed: false,
    busy: pairs,
    window_end: windowEnd,
  });

  it('when read first, then the sources’ versions come from the index alone, and then their busy times', async () => {
    rec.answer(COLLECTION, 'find', [
      { _id: SOURCE, version: 1 },
      { _id: SECOND, version: 3 },
    ]);
    rec.answer(COLLECTION, 'find', [
      doc(SOURCE, 1, [[at('10:00'), at('11:00')]]),
      doc(SECOND, 3, [
        [at('10:30'), at('11:30')],
        [at('14:00'), at('15:00')],
      ]),
    ]);
    expect(await busy.busyBetween(CAL, MONDAY)).toEqual([span('10:00', '11:30'), span('14:00', '15:00')]);

    const [heads, docs] = rec.on(COLLECTION, 'find');
    expect(heads!.args[0]).toEqual({ calendar_id: CAL, removed: false });
    expect(heads!.args[1]).toMatchObject({ projection: { _id: 1, version: 1 } });
    expect(servedBy(heads!, rec.indexes())?.options.name).toBe(BUSY_SOURCES_INDEX);
    // Covered: everything the query filters on and returns is in the index's key.
    const key = Object.keys(rec.indexes().find((i) => i.options.name === BUSY_SOURCES_INDEX)!.key);
    const projected = Object.keys((heads!.args[1] as { projection: object }).projection);
    expect(key).toEqual(expect.arrayContaining([...Object.keys(heads!.args[0] as object), ...projected]));
    expect(docs!.args[0]).toEqual({ _id: { $in: [SOURCE, SECOND] } });
    expect(docs!.args[1]).toMatchObject({ projection: { version: 1, removed: 1, busy: 1, window_end: 1 } });
  });

  it('when a range reaches past a window end, then the earliest one read is where the unknown begins, also once kept', async () => {
    const heads = [
      { _id: SOURCE, version: 1 },
      { _id: SECOND, version: 2 },
    ];
    rec.answer(COLLECTION, 'find', heads);
    rec.answer(COLLECTION, 'find', [
      doc(SOURCE, 1, [[at('10:00'), at('11:00')]], at('18:00')),
      doc(SECOND, 2, [], at('16:00')),
    ]);
    const unknown = { start: at('16:00'), end: UNKNOWN_UNTIL };
    expect(await busy.busyBetween(CAL, MONDAY)).toEqual([span('10:00', '11:00'), unknown]);
    rec.clear();
    // Kept by version: the next read asks the index alone, and knows the window ends still.
    rec.answer(COLLECTION, 'find', heads);
    expect(await busy.busyBetween(CAL, span('15:00', '17:00'))).toEqual([unknown]);
    rec.answer(COLLECTION, 'find', heads);
    expect(await busy.busyBetween(CAL, span('09:00', '12:00'))).toEqual([span('10:00', '11:00')]);
    expect(trail()).toEqual([`${COLLECTION}.find`, `${COLLECTION}.find`]);
  });

  it('when a document was stored before window ends were, then it adds no unknown time', async () => {
    rec.answer(COLLECTION, 'find', [{ _id: SOURCE, version: 1 }]);
    rec.answer(COLLECTION, 'find', [{ _id: SOURCE, version: 1, removed: false, busy: [[at('10:00'), at('11:00')]] }]);
    expect(await busy.busyBetween(CAL, MONDAY)).toEqual([span('10:00', '11:00')]);
  });

  it('when read again at the same versions, then only the versions are read; a changed source alone is read again', async () => {
    const heads = (second: number) => [
      { _id: SOURCE, version: 1 },
      { _id: SECOND, version: second },
    ];
    rec.answer(COLLECTION, 'find', heads(3));
    rec.answer(COLLECTION, 'find', [
      doc(SOURCE, 1, [[at('10:00'), at('11:00')]]),
      doc(SECOND, 3, [[at('14:00'), at('15:00')]]),
    ]);
    await busy.busyBetween(CAL, MONDAY);
    rec.clear();

    rec.answer(COLLECTION, 'find', heads(3));
    expect(await busy.busyBetween(CAL, span('09:00', '12:00'))).toEqual([span('10:00', '11:00')]);
    expect(trail()).toEqual([`${COLLECTION}.find`]);
    rec.clear();

    rec.answer(COLLECTION, 'find', heads(4));
    rec.answer(COLLECTION, 'find', [doc(SECOND, 4, [[at('16:00'), at('17:00')]])]);
    expect(await busy.busyBetween(CAL, MONDAY)).toEqual([span('10:00', '11:00'), span('16:00', '17:00')]);
    expect(rec.on(COLLECTION, 'find')[1]!.args[0]).toEqual({ _id: { $in: [SECOND] } });
  });

  it('when a source is removed between the two reads, then its busy times are left out', async () => {
    rec.answer(COLLECTION, 'find', [{ _id: SOURCE, version: 1 }]);
    rec.answer(COLLECTION, 'find', [doc(SOURCE, 1, [[at('10:00'), at('11:00')]])]);
    await busy.busyBetween(CAL, MONDAY);
    rec.answer(COLLECTION, 'find', [{ _id: SOURCE, version: 2 }]);
    rec.answer(COLLECTION, 'find', [{ _id: SOURCE, version: 3, removed: true, busy: [] }]);
    expect(await busy.busyBetween(CAL, MONDAY)).toEqual([]);
  });

  it('when a source’s version is asked for, then one lookup by source and calendar answers it, 0 when unknown', async () => {
    rec.answer(COLLECTION, 'findOne', { _id: SOURCE, version: 7 });
    expect(await busy.busyVersion(CAL, SOURCE)).toBe(7);
    const lookup = onlyCommand(rec.on(COLLECTION, 'findOne'));
    expect(lookup.args[0]).toEqual({ _id: SOURCE, calendar_id: CAL });
    expect(lookup.args[1]).toMatchObject({ projection: { version: 1 } });
    expect(await busy.busyVersion(CAL, SECOND)).toBe(0);
  });
});
