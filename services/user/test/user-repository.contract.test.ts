import { DuplicateEmailError } from '@slotkeeper/errors';
import { describeContract } from '@slotkeeper/testing';
import { expect, it } from 'vitest';
import { MemoryUserRepository } from '../src/adapters/memory/memory-user-repository.js';
import { MongoUserRepository } from '../src/adapters/mongo/mongo-user-repository.js';
import type { UserRepository } from '../src/domain/user.js';

const ann = {
  name: 'Ann',
  email: 'ann@example.com',
  timezone: 'Europe/Berlin',
  createdAt: new Date('2030-01-01T00:00:00Z'),
};

await describeContract<UserRepository>(
  'UserRepository',
  { memory: () => new MemoryUserRepository(), mongo: (connection) => new MongoUserRepository(connection) },
  (users) => {
    it('when a user is created, then it is found by its new 24-hex id', async () => {
      const created = await users().create(ann);
      expect(created.id).toMatch(/^[0-9a-f]{24}$/);
      expect(await users().findById(created.id)).toEqual({ ...ann, id: created.id });
    });

    it('when an email is taken, then a second user with it is refused', async () => {
      await users().create(ann);
      await expect(users().create({ ...ann, name: 'Other Ann' })).rejects.toBeInstanceOf(DuplicateEmailError);
    });

    it('when two users race for one email, then exactly one is stored', async () => {
      const results = await Promise.allSettled([users().create(ann), users().create(ann), users().create(ann)]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    });

    it('when the id is unknown, then nothing is found', async () => {
      expect(await users().findById('0123456789abcdef01234567')).toBeNull();
    });
  },
);
