import net from 'node:net';
import { mongoose } from '@slotkeeper/mongo';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  duplicateKeyError,
  mongoRecorder,
  mongoServerError,
  servedBy,
  writeConflict,
  type IndexSpec,
  type MongoRecorder,
} from '../src/mongo-recorder.js';

interface Person {
  _id: string;
  name: string;
  email: string;
  team: string;
  joined_at: Date;
}

const personSchema = new mongoose.Schema<Person>(
  {
    _id: { type: String, required: true },
    name: { type: String, required: true },
    email: { type: String, required: true },
    team: { type: String, required: true },
    joined_at: { type: Date, required: true },
  },
  { versionKey: false, collection: 'people' },
);
personSchema.index({ email: 1 }, { unique: true, name: 'email_1' });
personSchema.index({ team: 1, joined_at: -1 });

const ann: Person = {
  _id: 'p1',
  name: 'Ann',
  email: 'ann@example.com',
  team: 'core',
  joined_at: new Date('2030-01-01T00:00:00Z'),
};

let rec: MongoRecorder;
let People: mongoose.Model<Person>;

beforeEach(async () => {
  rec = await mongoRecorder();
  People = rec.connection.model<Person>('Person', personSchema);
  await People.init();
  rec.clear();
});
afterEach(() => rec.close());

describe('recording', () => {
  it('when a model updates a document, then its filter, update and options reach the driver as recorded', async () => {
    await People.updateOne({ _id: 'p1' }, { name: 'Bo' }, { upsert: true });

    expect(rec.on('people')).toEqual([
      { collection: 'people', method: 'updateOne', args: [{ _id: 'p1' }, { $set: { name: 'Bo' } }, { upsert: true }] },
    ]);
  });

  it('when a document is created, then the driver receives it with its Date as a Date', async () => {
    await People.create(ann);

    const [insert] = rec.on('people', 'insertOne');
    expect(insert?.args[0]).toEqual(ann);
    expect((insert?.args[0] as Person).joined_at).toBeInstanceOf(Date);
  });

  it('when the caller mutates its objects after the call, then the recorded args stay as sent', async () => {
    const filter = { team: 'core', name: { $in: ['Ann'] } };
    await People.collection.findOne(filter);
    filter.team = 'changed';
    filter.name.$in.push('Bo');

    expect(rec.on('people', 'findOne')[0]?.args[0]).toEqual({ team: 'core', name: { $in: ['Ann'] } });
  });

  it('when index management runs, then on() without a method leaves it out and with the method finds it', async () => {
    await People.collection.createIndex({ name: 1 });
    await People.findOne({ _id: 'p1' });

    expect(rec.on('people').map((c) => c.method)).toEqual(['findOne']);
    expect(rec.on('people', 'createIndex')).toHaveLength(1);
  });
});

describe('answers', () => {
  it('when nothing is scripted, then writes are acknowledged and reads find nothing', async () => {
    expect(await People.updateOne({ _id: 'p1' }, { name: 'Bo' })).toMatchObject({ matchedCount: 1, modifiedCount: 1 });
    expect(await People.deleteMany({ team: 'core' })).toMatchObject({ deletedCount: 1 });
    expect(await People.findOne({ _id: 'p1' }).lean()).toBeNull();
    expect(await People.find({ team: 'core' }).lean()).toEqual([]);
    expect(await People.countDocuments({ team: 'core' })).toBe(0);
    expect(await People.aggregate([{ $match: { team: 'core' } }])).toEqual([]);
  });

  it('when answers are scripted, then each call of that method gets the next one, in order', async () => {
    rec.answer('people', 'findOne', ann);
    rec.answer('people', 'findOne', (filter: unknown) => ({ ...ann, name: JSON.stringify(filter) }));

    expect((await People.findOne({ _id: 'p1' }).lean())?.name).toBe('Ann');
    expect((await People.findOne({ _id: 'p2' }).lean())?.name).toBe('{"_id":"p2"}');
    expect(await People.findOne({ _id: 'p3' }).lean()).toBeNull();
  });

  it('when an error is scripted, then that very error rejects the call and the next call succeeds', async () => {
    const refused = mongoServerError({ code: 121, codeName: 'DocumentValidationFailure' });
    rec.answer('people', 'insertOne', refused);

    await expect(People.create(ann)).rejects.toBe(refused);
    await expect(People.create(ann)).resolves.toBeDefined();
    expect(rec.on('people', 'insertOne')).toHaveLength(2);
  });

  it('when find is scripted with documents, then .lean() returns them as the driver gave them', async () => {
    rec.answer('people', 'find', [ann, { ...ann, _id: 'p2' }]);

    const found = await People.find({ team: 'core' }).sort({ joined_at: -1 }).lean();

    expect(found.map((p) => p._id)).toEqual(['p1', 'p2']);
    expect(found[0]?.joined_at).toEqual(new Date('2030-01-01T00:00:00Z'));
    expect(rec.on('people', 'find')[0]?.args).toEqual([{ team: 'core' }, { sort: { joined_at: -1 } }]);
  });

  it('when a query is read through a cursor, then the scripted documents come one by one', async () => {
    rec.answer('people', 'find', [ann, { ...ann, _id: 'p2' }]);

    const ids: string[] = [];
    for await (const person of People.find({ team: 'core' }).lean().cursor()) ids.push(person._id);

    expect(ids).toEqual(['p1', 'p2']);
  });

  it('when a cursor read is scripted to fail, then the read rejects with it', async () => {
    const failed = mongoServerError({ code: 96, codeName: 'OperationFailed' });
    rec.answer('people', 'aggregate', failed);

    await expect(People.aggregate([{ $match: { team: 'core' } }])).rejects.toBe(failed);
  });

  it('when clear() runs, then commands and unused answers are forgotten but the index specs stay', async () => {
    rec.answer('people', 'findOne', ann);
    await People.updateOne({ _id: 'p1' }, { name: 'Bo' });

    rec.clear();

    expect(rec.commands).toEqual([]);
    expect(await People.findOne({ _id: 'p1' }).lean()).toBeNull();
    expect(rec.indexes()).toHaveLength(2);
  });
});

describe('sessions and transactions', () => {
  it('when the first attempt hits a write conflict, then withTransaction runs the callback again and commits once', async () => {
    rec.answer('people', 'updateOne', writeConflict());
    const session = await rec.connection.startSession();
    let attempts = 0;

    await session.withTransaction(async () => {
      attempts++;
      await People.updateOne({ _id: 'p1' }, { name: 'Bo' }, { session });
    });
    await session.endSession();

    expect(attempts).toBe(2);
    expect(rec.sessionEvents.map((e) => e.event)).toEqual([
      'start',
      'startTransaction',
      'abortTransaction',
      'startTransaction',
      'commitTransaction',
      'end',
    ]);
    const updates = rec.on('people', 'updateOne');
    expect(updates).toHaveLength(2);
    expect(updates[1]).toEqual({
      collection: 'people',
      method: 'updateOne',
      args: [{ _id: 'p1' }, { $set: { name: 'Bo' } }, { session: 1 }],
      session: 1,
      inTransaction: true,
    });
  });

  it('when the callback fails with an error that is not transient, then it runs once and the transaction is aborted', async () => {
    const refused = new Error('not allowed');

    await expect(
      rec.connection.transaction(async (session) => {
        await People.create([ann], { session });
        throw refused;
      }),
    ).rejects.toBe(refused);

    expect(rec.on('people', 'insertOne')).toHaveLength(1);
    expect(rec.sessionEvents.map((e) => e.event)).toEqual(['start', 'startTransaction', 'abortTransaction', 'end']);
  });

  it('when a commit is scripted to fail as transient, then the whole transaction runs again', async () => {
    rec.answer(
      '$session',
      'commitTransaction',
      mongoServerError({ code: 251, errorLabels: ['TransientTransactionError'] }),
    );
    let attempts = 0;

    await rec.connection.transaction(async (session) => {
      attempts++;
      await People.findOne({ _id: 'p1' }).session(session);
    });

    expect(attempts).toBe(2);
    expect(rec.sessionEvents.filter((e) => e.event === 'commitTransaction')).toHaveLength(2);
  });

  it('when a plain Error merely carries the transient label, then, as in the driver, it is not retried', async () => {
    const plain = Object.assign(new Error('WriteConflict'), { code: 112, errorLabels: ['TransientTransactionError'] });
    let attempts = 0;

    await expect(
      rec.connection.transaction(async () => {
        attempts++;
        throw plain;
      }),
    ).rejects.toBe(plain);

    expect(attempts).toBe(1);
  });

  it('when two sessions are used, then each command names its own and outside a session none', async () => {
    const first = await rec.connection.startSession();
    const second = await rec.connection.startSession();

    await People.findOne({ _id: 'p1' }).session(second);
    await People.findOne({ _id: 'p2' });
    await People.findOne({ _id: 'p3' }).session(first);

    expect(rec.on('people').map((c) => [c.session, c.inTransaction])).toEqual([
      [2, false],
      [undefined, undefined],
      [1, false],
    ]);
    await Promise.all([first.endSession(), second.endSession()]);
  });
});

describe('indexes and admin commands', () => {
  it('when Model.init() runs, then the collection is created and every declared index is recorded with its name', async () => {
    const fresh = await mongoRecorder();
    await fresh.connection.model<Person>('Person', personSchema).init();

    expect(fresh.on('$db', 'createCollection')[0]?.args[0]).toBe('people');
    expect(fresh.indexes()).toEqual([
      { collection: 'people', key: { email: 1 }, options: { unique: true, name: 'email_1' } },
      { collection: 'people', key: { team: 1, joined_at: -1 }, options: { name: 'team_1_joined_at_-1' } },
    ]);
    await fresh.close();
  });

  it('when a health check pings, then the admin command is recorded and answered ok', async () => {
    const db = rec.connection.db!;

    expect(await db.admin().ping()).toEqual({ ok: 1 });
    expect(await db.admin().command({ hello: 1 })).toMatchObject({ isWritablePrimary: true, setName: 'rs0' });
    rec.answer('$admin', 'command', { ok: 1, isWritablePrimary: true });
    expect(await db.admin().command({ hello: 1 })).not.toHaveProperty('setName');

    expect(rec.on('$admin').map((c) => c.args[0])).toEqual([{ ping: 1 }, { hello: 1 }, { hello: 1 }]);
  });
});

describe('no network', () => {
  afterEach(() => vi.restoreAllMocks());

  it('when a model inits, writes, reads, commits and pings, then no socket opens and an unrecorded call fails at once', async () => {
    const connect = vi.spyOn(net.Socket.prototype, 'connect');
    const fresh = await mongoRecorder();
    const Fresh = fresh.connection.model<Person>('Person', personSchema);
    await Fresh.init();
    await Fresh.create(ann);
    await Fresh.find({ team: 'core' }).lean();
    await fresh.connection.transaction((session) => Fresh.updateOne({ _id: 'p1' }, { name: 'Bo' }, { session }));
    await fresh.connection.db!.admin().ping();

    await expect(fresh.connection.db!.admin().listDatabases()).rejects.toThrow(/not recorded/);
    expect(fresh.connection.readyState).toBe(1);
    await fresh.close();

    expect(connect).not.toHaveBeenCalled();
  });

  it('when a plain client connects, then the socket spy does see it (the check above can fail)', async () => {
    const connect = vi.spyOn(net.Socket.prototype, 'connect');
    const client = new mongoose.mongo.MongoClient('mongodb://127.0.0.1:9', { serverSelectionTimeoutMS: 200 });

    await expect(client.connect()).rejects.toThrow();
    await client.close();

    expect(connect).toHaveBeenCalled();
  });
});

describe('servedBy', () => {
  const indexes: IndexSpec[] = [
    { collection: 'people', key: { team: 1, joined_at: -1, name: 1 }, options: { name: 'team_1_joined_at_-1_name_1' } },
  ];

  it('when equality fields form the prefix, then the sort, then the range, then the index serves the query', () => {
    expect(servedBy({ equality: ['team'], sort: { joined_at: -1 }, range: ['name'] }, indexes)).toBe(indexes[0]);
    expect(servedBy({ equality: ['team'], sort: { joined_at: 1, name: -1 } }, indexes)).toBe(indexes[0]);
  });

  it('when a field the query needs is missing or out of order, then no index serves it', () => {
    expect(servedBy({ equality: ['name'] }, indexes)).toBeUndefined();
    expect(servedBy({ equality: ['team'], sort: { name: 1 } }, indexes)).toBeUndefined();
    expect(servedBy({ equality: ['team'], sort: { joined_at: -1, name: -1 } }, indexes)).toBeUndefined();
    expect(servedBy({ equality: ['team'], range: ['name'] }, indexes)).toBeUndefined();
  });

  it('when an index is partial, then it serves only filters implying its expression, whose fixed fields need no key place', () => {
    const partial: IndexSpec[] = [
      {
        collection: 'people',
        key: { team: 1, joined_at: 1 },
        options: { name: 'active_by_join', partialFilterExpression: { status: 'active' } },
      },
      {
        collection: 'people',
        key: { team: 1, badge: 1 },
        options: { name: 'badge_per_team', partialFilterExpression: { badge: { $type: 'string' } } },
      },
    ];
    const active = { team: 'core', status: 'active', joined_at: { $lt: new Date() } };
    const shape = (filter: Record<string, unknown>) => ({
      equality: Object.keys(filter).filter((f) => f !== 'joined_at'),
      sort: { joined_at: -1 },
      filter,
    });

    expect(servedBy(shape(active), partial)?.options.name).toBe('active_by_join');
    expect(servedBy(shape({ ...active, status: 'gone' }), partial)).toBeUndefined();
    expect(servedBy({ equality: ['team', 'badge'], filter: { team: 'core', badge: 'b1' } }, partial)).toBe(partial[1]);
    expect(servedBy({ equality: ['team', 'badge'], filter: { team: 'core', badge: null } }, partial)).toBeUndefined();
  });

  it('when the query matches _id, then the implicit _id_ index serves it', () => {
    expect(servedBy({ equality: ['_id'] }, [])?.options.name).toBe('_id_');
  });

  it("when given a recorded command, then it reads the command's own filter and sort", async () => {
    await People.find({ team: 'core', joined_at: { $lt: new Date() } }).sort({ joined_at: -1 });
    await People.find({ name: 'Ann' });

    const [byTeam, byName] = rec.on('people', 'find');
    expect(servedBy(byTeam!, rec.indexes())?.options.name).toBe('team_1_joined_at_-1');
    expect(servedBy(byName!, rec.indexes())).toBeUndefined();
  });
});

describe('server errors', () => {
  it('when a duplicate key error is built, then it reads like the server: code, index name, key pattern', () => {
    const error = duplicateKeyError('test.people', 'email_1', { email: 'ann@example.com' });

    expect(error).toBeInstanceOf(mongoose.mongo.MongoServerError);
    expect(error).toMatchObject({ code: 11000, keyPattern: { email: 1 }, keyValue: { email: 'ann@example.com' } });
    expect(error.errmsg).toBe(
      'E11000 duplicate key error collection: test.people index: email_1 dup key: { email: "ann@example.com" }',
    );
  });
});
