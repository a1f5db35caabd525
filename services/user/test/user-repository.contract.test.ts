import { generateId } from '@slotkeeper/contracts';
import { DuplicateEmailError } from '@slotkeeper/errors';
import { describeContract } from '@slotkeeper/testing';
import { expect, it } from 'vitest';
import { MemoryUserRepository } from '../src/adapters/memory/memory-user-repository.js';
import { MongoUserRepository } from '../src/adapters/mongo/mongo-user-repository.js';
import type { UserRepository } from '../src/domain/user.js';

/** Ann as the domain hands her to the store: a fresh id each time, her key already hashed. */
const ann = () => ({
  id: generateId(),
  name: 'Ann',
  email: 'ann@example.com',
  timezone: 'Europe/Berlin',
  createdAt: new Date('2030-01-01T00:00:00Z'),
  apiKey: { salt: 'c2FsdA', hash: 'aGFzaA' },
});

await describeContract<UserRepository>(
  'UserRepository',
  { memory: () => new MemoryUserRepository(), mongo: (connection) => new MongoUserRepository(connection) },
  (users) => {
    it('when a user is created, then it is found by its new 24-hex id', async () => {
      const input = ann();
      const created = await users().create(input);
      expect(created).toEqual(input);
      expect(await users().findById(input.id)).toEqual(input);
    });

    it('when an email is taken, then a second user with it is refused', async () => {
      await users().create(ann());
      await expect(users().create({ ...ann(), name: 'Other Ann' })).rejects.toBeInstanceOf(DuplicateEmailError);
    });

    it('when two users race for one email, then exactly one is stored', async () => {
      const results = await Promise.allSettled([users().create(ann()), users().create(ann()), users().create(ann())]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    });

    it('when the id is unknown, then nothing is found', async () => {
      expect(await users().findById('0123456789abcdef01234567')).toBeNull();
    });
  },
);
