/**
 * The shared MongoDB plumbing of `@slotkeeper/mongo` at the command level (the outbox collection,
 * transactions, the replica-set check, the health ping) and its error translation.
 */
import { randomUUID } from 'node:crypto';
import type { Envelope } from '@slotkeeper/contracts';
import { ServiceUnavailableError } from '@slotkeeper/errors';
import {
  assertReplicaSet,
  clientOptions,
  duplicateKeyIndex,
  inTransaction,
  isUnavailableError,
  MongoOutbox,
  mongoose,
  pingMongo,
  StandaloneServerError,
  withStoreErrors,
} from '@slotkeeper/mongo';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  duplicateKeyError,
  mongoRecorder,
  mongoServerError,
  servedBy,
  writeConflict,
  type MongoRecorder,
} from '../src/mongo-recorder.js';

const AGGREGATE = 'aaaaaaaaaaaaaaaaaaaaaaaa';
/** Any envelope: the outbox stores messages whatever their type. */
const message = (): Envelope => ({ id: randomUUID(), type: 'Probe', occurred_at: new Date().toISOString(), data: {} });

let rec: MongoRecorder;
beforeEach(async () => {
  rec = await mongoRecorder();
});
afterEach(() => rec.close());

describe('the outbox collection', () => {
  let outbox: MongoOutbox;
  beforeEach(async () => {
    outbox = new MongoOutbox(rec.connection, 'things_outbox');
    await outbox.init();
    rec.clear();
  });

  it('when messages are added, then they are inserted in the caller’s session, each a document in write order', async () => {
    const [first, second] = [message(), message()];
    await inTransaction(rec.connection, (session) => outbox.add(AGGREGATE, [first, second], session));
    const [insert] = rec.on('things_outbox', 'insertMany');
    expect(insert!.inTransaction).toBe(true);
    const docs = insert!.args[0] as Array<{ _id: string; aggregate_id: string; seq: number; written_at: Date }>;
    expect(docs.map((d) => [d._id, d.aggregate_id])).toEqual([
      [first.id, AGGREGATE],
      [second.id, AGGREGATE],
    ]);
    expect(docs[1]!.seq).toBeGreaterThan(docs[0]!.seq);
    expect(docs[0]!.written_at).toBeInstanceOf(Date);
  });

  it('when messages are added for a request, then its id is stored beside each envelope', async () => {
    const first = message();
    await inTransaction(rec.connection, (session) => outbox.add(AGGREGATE, [first], session, 'trace-1'));
    const [insert] = rec.on('things_outbox', 'insertMany');
    expect(insert!.args[0]).toMatchObject([{ _id: first.id, message: first, request_id: 'trace-1' }]);
  });

  it('when nothing is to be announced, then nothing is written', async () => {
    await inTransaction(rec.connection, (session) => outbox.add(AGGREGATE, [], session));
    expect(rec.on('things_outbox')).toEqual([]);
  });

  it('when the relay reads, sweeps and marks, then each query is served by a declared index', async () => {
    const pending = message();
    rec.answer('things_outbox', 'find', [{ message: pending, request_id: 'trace-1' }, { message: pending }]);
    expect(await outbox.pendingFor(AGGREGATE)).toEqual([
      { message: pending, requestId: 'trace-1' },
      { message: pending },
    ]);
    rec.answer('things_outbox', 'find', [{ aggregate_id: 'x' }, { aggregate_id: 'x' }, { aggregate_id: 'y' }]);
    const before = new Date('2030-01-01T00:00:00Z');
    expect(await outbox.aggregatesWithPending(before, 100)).toEqual(['x', 'y']);
    await outbox.markPublished(AGGREGATE, [pending.id]);

    const [read, sweep] = rec.on('things_outbox', 'find');
    expect(read!.args[0]).toEqual({ aggregate_id: AGGREGATE });
    expect(read!.args[1]).toMatchObject({ sort: { seq: 1 } });
    expect(servedBy(read!, rec.indexes())?.options.name).toBe('pending_by_aggregate');
    expect(sweep!.args[0]).toEqual({ written_at: { $lte: before } });
    expect(sweep!.args[1]).toMatchObject({ sort: { written_at: 1 }, limit: 100 });
    expect(servedBy(sweep!, rec.indexes())?.options.name).toBe('pending_by_age');
    expect(rec.on('things_outbox', 'deleteMany')[0]!.args[0]).toEqual({
      aggregate_id: AGGREGATE,
      _id: { $in: [pending.id] },
    });
  });
});

describe('transactions', () => {
  it('when a transient error keeps coming past the deadline, then no new attempt starts and the answer is 503', async () => {
    let attempts = 0;
    const work = async () => {
      attempts++;
      await new Promise((resolve) => setTimeout(resolve, 30));
      throw writeConflict();
    };
    await expect(inTransaction(rec.connection, work, 50)).rejects.toBeInstanceOf(ServiceUnavailableError);
    expect(attempts).toBeGreaterThanOrEqual(1);
    expect(attempts).toBeLessThan(10);
    expect(rec.sessionEvents.at(-1)?.event).toBe('end');
  });

  it('runs with snapshot reads and a majority commit', async () => {
    const seen: unknown[] = [];
    await inTransaction(rec.connection, async (session) => {
      // The driver keeps the options of the transaction in progress here.
      seen.push((session as unknown as { transaction: { options: unknown } }).transaction.options);
    });
    expect(seen[0]).toMatchObject({ readConcern: { level: 'snapshot' }, writeConcern: { w: 'majority' } });
  });
});

describe('connecting', () => {
  it('when the server is a replica-set member, then it is accepted', async () => {
    await expect(assertReplicaSet(rec.connection)).resolves.toBeUndefined();
    expect(rec.on('$admin', 'command')[0]!.args[0]).toEqual({ hello: 1 });
  });

  it('when the server is standalone, then the service refuses with a message that says what to do', async () => {
    rec.answer('$admin', 'command', { ok: 1, isWritablePrimary: true });
    await expect(assertReplicaSet(rec.connection)).rejects.toBeInstanceOf(StandaloneServerError);
    expect(new StandaloneServerError().message).toMatch(/--replSet rs0.*rs\.initiate\(\).*replicaSet=rs0/);
  });

  it('when a mongos router answers, then it is accepted (it runs transactions too)', async () => {
    rec.answer('$admin', 'command', { ok: 1, msg: 'isdbgrid' });
    await expect(assertReplicaSet(rec.connection)).resolves.toBeUndefined();
  });

  it('sends no command buffered, bounds server selection and the write concern', () => {
    const options = clientOptions(3_000);
    expect(options.bufferCommands).toBe(false);
    expect(options.serverSelectionTimeoutMS).toBeLessThanOrEqual(3_000);
    expect(options.writeConcern).toEqual({ w: 'majority', journal: true, wtimeoutMS: 3_000 });
  });
});

describe('health', () => {
  it('when the database answers the ping, then it is healthy', async () => {
    expect(await pingMongo(rec.connection)).toBe(true);
    expect(rec.on('$admin', 'command').map((c) => c.args[0])).toEqual([{ ping: 1 }]);
  });

  it('when the ping fails or does not come back in time, then it is not', async () => {
    rec.answer('$admin', 'command', new mongoose.mongo.MongoNetworkError('connection reset'));
    expect(await pingMongo(rec.connection)).toBe(false);
    rec.answer('$admin', 'command', () => new Promise(() => undefined));
    expect(await pingMongo(rec.connection, 50)).toBe(false);
  });
});

describe('errors', () => {
  it('tells duplicate keys apart by the index they hit', () => {
    expect(duplicateKeyIndex(duplicateKeyError('db.users', 'email_1', { email: 'a@b.co' }))).toBe('email_1');
    expect(duplicateKeyIndex(duplicateKeyError('db.users', '_id_', { _id: 'x' }))).toBe('_id_');
    expect(duplicateKeyIndex(mongoServerError({ code: 11000, keyPattern: { calendar_id: 1, key: 1 } }))).toBe(
      'calendar_id_1_key_1',
    );
    expect(duplicateKeyIndex(new Error('E11000 lookalike'))).toBeUndefined();
  });

  it('counts outages and timeouts as unavailable, refusals of the request as not', () => {
    expect(isUnavailableError(new mongoose.mongo.MongoNetworkError('reset'))).toBe(true);
    expect(isUnavailableError(mongoServerError({ code: 64, codeName: 'WriteConcernTimeout' }))).toBe(true);
    expect(isUnavailableError(mongoServerError({ code: 10107, codeName: 'NotWritablePrimary' }))).toBe(true);
    expect(isUnavailableError(writeConflict())).toBe(true);
    expect(isUnavailableError(duplicateKeyError('db.users', 'email_1', { email: 'a@b.co' }))).toBe(false);
    expect(isUnavailableError(mongoServerError({ code: 121, codeName: 'DocumentValidationFailure' }))).toBe(false);
    expect(isUnavailableError(new Error('bug'))).toBe(false);
  });

  it('when a store call hangs or the database is down, then it settles as 503 in bounded time', async () => {
    const store = {
      hangs: () => new Promise(() => undefined),
      down: async () => {
        throw new mongoose.mongo.MongoNetworkError('connection refused');
      },
      refuses: async () => {
        throw duplicateKeyError('db.users', 'email_1', { email: 'a@b.co' });
      },
      outbox: { pendingFor: () => new Promise(() => undefined) },
      name: 'not a method',
    };
    const guarded = withStoreErrors(store, 50);
    await expect(guarded.hangs()).rejects.toBeInstanceOf(ServiceUnavailableError);
    await expect(guarded.down()).rejects.toBeInstanceOf(ServiceUnavailableError);
    await expect(guarded.refuses()).rejects.toMatchObject({ code: 11000 });
    await expect(guarded.outbox.pendingFor()).rejects.toBeInstanceOf(ServiceUnavailableError);
    expect(guarded.name).toBe('not a method');
  });
});
