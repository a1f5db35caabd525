import { DuplicateEmailError } from '@slotkeeper/errors';
import {
  duplicateKeyError,
  mongoRecorder,
  mongoServerError,
  servedBy,
  type MongoRecorder,
  type RecordedCommand,
} from '@slotkeeper/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MongoUserRepository } from '../src/adapters/mongo/mongo-user-repository.js';
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

let rec: MongoRecorder;
let users: MongoUserRepository;

beforeEach(async () => {
  rec = await mongoRecorder();
  users = new MongoUserRepository(rec.connection);
  await users.init();
});
afterEach(() => rec.close());

const only = (commands: RecordedCommand[]): RecordedCommand => {
  expect(commands).toHaveLength(1);
  return commands[0]!;
};

describe('MongoUserRepository indexes', () => {
  it('when the repository initialises, then users gets one index: email, unique, named email_1 explicitly', () => {
    expect(rec.indexes()).toEqual([
      { collection: 'users', key: { email: 1 }, options: { unique: true, name: 'email_1' } },
    ]);
    expect(only(rec.on('users', 'createIndex')).args).toEqual([{ email: 1 }, { unique: true, name: 'email_1' }]);
  });
});

describe('MongoUserRepository.create', () => {
  it('when a user is created, then one insertOne carries the snake_case document, a string _id and a real Date', async () => {
    const created = await users.create(ann);

    const insert = only(rec.on('users'));
    expect(insert).toEqual({ collection: 'users', method: 'insertOne', args: [annDoc, {}] });
    const doc = insert.args[0] as typeof annDoc;
    expect(typeof doc._id).toBe('string');
    expect(doc.created_at).toBeInstanceOf(Date);
    expect(created).toEqual(ann);
  });

  it('when the email or the name is hostile, then it is stored as the plain string it is', async () => {
    await users.create({ ...ann, email: HOSTILE, name: '$where' });

    expect(only(rec.on('users')).args[0]).toMatchObject({ email: HOSTILE, name: '$where' });
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

    const find = only(rec.on('users'));
    expect(find).toEqual({ collection: 'users', method: 'findOne', args: [{ _id: ann.id }, {}] });
    expect(servedBy(find, rec.indexes())?.options.name).toBe('_id_');
  });

  it('when the id is a hostile string, then it is sent as the value of _id, never as an operator', async () => {
    await users.findById(HOSTILE);

    expect(only(rec.on('users')).args[0]).toStrictEqual({ _id: HOSTILE });
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
