import { DuplicateEmailError } from '@slotkeeper/errors';
import { duplicateKeyError, onlyCommand, useMongoRecorder, mongoServerError, servedBy } from '@slotkeeper/testing';
import { beforeEach, describe, expect, it } from 'vitest';
import { MongoUserRepository } from '../src/adapters/mongo/mongo-user-repository.js';
import type { Envelope } from '@slotkeeper/contracts';
import type { NewUser } from '../src/domain/user.js';

const ann: NewUser = {
  id: '0123456789abcdef01234567',
  name: 'Ann',
  email: 'ann@example.com',
  timezone: 'Europe/Berlin',
  createdAt: new Date('2030-01-01T00:00:00Z'),
  apiKey: { salt: 'c2FsdA', hash: 'aGFzaA' },
};

/** Ann as the users collection holds her: snake_case, the key's salt and hash only. */
const annDoc = {
  _id: '0123456789abcdef01234567',
  name: 'Ann',
  email: 'ann@example.com',
  timezone: 'Europe/Berlin',
  created_at: new Date('2030-01-01T00:00:00Z'),
  api_key: { salt: 'c2FsdA', hash: 'aGFzaA' },
};

const HOSTILE = '{"$gt":""}';

const { rec, repository: users } = useMongoRecorder((connection) => new MongoUserRepository(connection));

describe('MongoUserRepository indexes', () => {
  it('when the repository initialises, then users gets one index: email, unique, named email_1 explicitly', () => {
    expect(rec.indexes().filter((index) => index.collection === 'users')).toEqual([
      { collection: 'users', key: { email: 1 }, options: { unique: true, name: 'email_1' } },
    ]);
    expect(onlyCommand(rec.on('users', 'createIndex')).args).toEqual([{ email: 1 }, { unique: true, name: 'email_1' }]);
  });

  it('when the repository initialises, then its outbox, user_outbox, gets the relay’s two indexes', () => {
    expect(rec.indexes().filter((index) => index.collection === 'user_outbox')).toEqual([
      { collection: 'user_outbox', key: { aggregate_id: 1, seq: 1 }, options: { name: 'pending_by_aggregate' } },
      { collection: 'user_outbox', key: { written_at: 1 }, options: { name: 'pending_by_age' } },
    ]);
  });
});

describe('MongoUserRepository.create', () => {
  it('when a user is created, then one insertOne carries the snake_case document, a string _id and a real Date', async () => {
    const created = await users.create(ann);

    const insert = onlyCommand(rec.on('users'));
    expect(insert).toEqual({ collection: 'users', method: 'insertOne', args: [annDoc, {}] });
    const doc = insert.args[0] as typeof annDoc;
    expect(typeof doc._id).toBe('string');
    expect(doc.created_at).toBeInstanceOf(Date);
    expect(created).toEqual(ann);
  });

  it('when the email or the name is hostile, then it is stored as the plain string it is', async () => {
    await users.create({ ...ann, email: HOSTILE, name: '$where' });

    expect(onlyCommand(rec.on('users')).args[0]).toMatchObject({ email: HOSTILE, name: '$where' });
  });

  it('when the insert hits the email_1 unique index, then the email is reported as taken', async () => {
    rec.answer('users', 'insertOne', duplicateKeyError('test.users', 'email_1', { email: ann.email }));

    await expect(users.create(ann)).rejects.toBeInstanceOf(DuplicateEmailError);
  });

  it('when the server names no index but the key pattern is { email: 1 }, then the email is reported as taken', async () => {
    rec.answer('users', 'insertOne', mongoServerError({ code: 11000, keyPattern: { email: 1 } }));

    await expect(users.create(ann)).rejects.toBeInstanceOf(DuplicateEmailError);
  });

  it('when the insert collides on _id_, then the driver error is rethrown unchanged, not as a taken email', async () => {
    const collision = duplicateKeyError('test.users', '_id_', { _id: ann.id });
    rec.answer('users', 'insertOne', collision);

    await expect(users.create(ann)).rejects.toBe(collision);
  });

  it('when the insert fails for another reason, then that error is rethrown unchanged', async () => {
    const refused = mongoServerError({ code: 121, codeName: 'DocumentValidationFailure' });
    rec.answer('users', 'insertOne', refused);

    await expect(users.create(ann)).rejects.toBe(refused);
  });
});

describe('MongoUserRepository.findById', () => {
  it('when a user is looked up, then one findOne by the string _id is sent, served by the _id_ index', async () => {
    await users.findById(ann.id);

    const find = onlyCommand(rec.on('users'));
    expect(find).toEqual({ collection: 'users', method: 'findOne', args: [{ _id: ann.id }, {}] });
    expect(servedBy(find, rec.indexes())?.options.name).toBe('_id_');
  });

  it('when the id is a hostile string, then it is sent as the value of _id, never as an operator', async () => {
    await users.findById(HOSTILE);

    expect(onlyCommand(rec.on('users')).args[0]).toStrictEqual({ _id: HOSTILE });
  });

  it('when the driver returns the stored document, then it reads back as the domain user', async () => {
    rec.answer('users', 'findOne', annDoc);

    expect(await users.findById(ann.id)).toEqual(ann);
  });

  it('when a document from before api keys has none, then the user reads back with an empty key no key matches', async () => {
    const { api_key: _absent, ...legacy } = annDoc;
    rec.answer('users', 'findOne', legacy);

    expect((await users.findById(ann.id))?.apiKey).toEqual({ salt: '', hash: '' });
  });

  it('when the driver finds nothing, then nothing is found', async () => {
    expect(await users.findById(ann.id)).toBeNull();
  });
});

describe('MongoUserRepository.update', () => {
  it('when a name and a zone are changed, then one findOneAndUpdate $sets exactly them and answers the document after it', async () => {
    rec.answer('users', 'findOneAndUpdate', { ...annDoc, name: 'Ann B.', timezone: 'Asia/Tokyo' });

    const updated = await users.update(ann.id, { name: 'Ann B.', timezone: 'Asia/Tokyo' });

    const command = onlyCommand(rec.on('users'));
    expect(command.method).toBe('findOneAndUpdate');
    expect(command.args[0]).toStrictEqual({ _id: ann.id });
    expect(command.args[1]).toEqual({ $set: { name: 'Ann B.', timezone: 'Asia/Tokyo' } });
    expect(command.args[2]).toMatchObject({ returnDocument: 'after' });
    expect(servedBy(command, rec.indexes())?.options.name).toBe('_id_');
    expect(updated).toEqual({ ...ann, name: 'Ann B.', timezone: 'Asia/Tokyo' });
  });

  it('when only the name is changed, then the zone is not in the update at all', async () => {
    await users.update(ann.id, { name: 'Ann B.' });

    expect(onlyCommand(rec.on('users')).args[1]).toStrictEqual({ $set: { name: 'Ann B.' } });
  });

  it('when the name is hostile, then it is $set as the plain string it is, and the id stays a value', async () => {
    await users.update(HOSTILE, { name: '$where' });

    const command = onlyCommand(rec.on('users'));
    expect(command.args[0]).toStrictEqual({ _id: HOSTILE });
    expect(command.args[1]).toStrictEqual({ $set: { name: '$where' } });
  });

  it('when nothing is changed, then no write is sent, only a read', async () => {
    rec.answer('users', 'findOne', annDoc);

    expect(await users.update(ann.id, {})).toEqual(ann);
    expect(onlyCommand(rec.on('users')).method).toBe('findOne');
  });

  it('when no document matches, then nothing is found (and nothing upserted)', async () => {
    rec.answer('users', 'findOneAndUpdate', null);

    expect(await users.update(ann.id, { name: 'Ghost' })).toBeNull();
    expect(onlyCommand(rec.on('users')).args[2]).not.toHaveProperty('upsert', true);
  });
});

describe('MongoUserRepository.replaceApiKey', () => {
  const rotation = {
    userId: ann.id,
    apiKey: { salt: 'bmV3', hash: 'bmV3LWhhc2g' },
    at: new Date('2030-02-01T00:00:00Z'),
  };
  const trail = () => rec.commands.filter((c) => c.collection !== '$session').map((c) => `${c.collection}.${c.method}`);
  const allInOneTransaction = () =>
    rec.commands.filter((c) => c.collection !== '$session').every((c) => c.session === 1 && c.inTransaction);

  beforeEach(() => rec.clear());

  it('when a key is replaced, then the hash update and ApiKeyRotated in user_outbox commit in one transaction', async () => {
    expect(await users.replaceApiKey(rotation, 'req-1')).toBe(true);

    expect(trail()).toEqual(['users.updateOne', 'user_outbox.insertMany']);
    expect(allInOneTransaction()).toBe(true);
    expect(rec.sessionEvents.map((e) => e.event)).toEqual(['start', 'startTransaction', 'commitTransaction', 'end']);
    expect(onlyCommand(rec.on('users')).args.slice(0, 2)).toStrictEqual([
      { _id: ann.id },
      { $set: { api_key: { salt: 'bmV3', hash: 'bmV3LWhhc2g' } } },
    ]);
    const [doc, ...more] = onlyCommand(rec.on('user_outbox')).args[0] as Array<{
      _id: string;
      aggregate_id: string;
      message: Envelope;
      request_id: string;
    }>;
    expect(more).toEqual([]);
    expect(doc).toMatchObject({
      _id: doc!.message.id,
      aggregate_id: ann.id,
      request_id: 'req-1',
      message: { type: 'ApiKeyRotated', occurred_at: '2030-02-01T00:00:00.000Z', data: { user_id: ann.id } },
    });
    expect(JSON.stringify(doc)).not.toContain('bmV3LWhhc2g');
  });

  it('when no user has the id, then no message is written and nothing is replaced', async () => {
    rec.answer('users', 'updateOne', { acknowledged: true, matchedCount: 0, modifiedCount: 0 });

    expect(await users.replaceApiKey(rotation)).toBe(false);
    expect(trail()).toEqual(['users.updateOne']);
  });

  it('when the id is hostile, then it is the value of _id, never an operator', async () => {
    await users.replaceApiKey({ ...rotation, userId: HOSTILE });

    expect(rec.on('users', 'updateOne')[0]!.args[0]).toStrictEqual({ _id: HOSTILE });
  });

  it('when the commit fails, then the error surfaces (the key and its message are both left unwritten)', async () => {
    const refused = mongoServerError({ code: 121, codeName: 'DocumentValidationFailure' });
    rec.answer('user_outbox', 'insertMany', refused);

    await expect(users.replaceApiKey(rotation)).rejects.toBe(refused);
    expect(rec.sessionEvents.map((e) => e.event)).toContain('abortTransaction');
    expect(rec.sessionEvents.map((e) => e.event)).not.toContain('commitTransaction');
  });
});
