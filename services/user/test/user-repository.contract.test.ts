import { generateId } from '@slotkeeper/contracts';
import { DuplicateEmailError } from '@slotkeeper/errors';
import type { WithOutbox } from '@slotkeeper/messaging';
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

await describeContract<UserRepository & WithOutbox>(
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

    it('when a name or a zone is changed, then only that field changes, and the user is answered as it now is', async () => {
      const input = ann();
      await users().create(input);
      const renamed = await users().update(input.id, { name: 'Ann B.' });
      expect(renamed).toEqual({ ...input, name: 'Ann B.' });
      const moved = await users().update(input.id, { timezone: 'Asia/Tokyo' });
      expect(moved).toEqual({ ...input, name: 'Ann B.', timezone: 'Asia/Tokyo' });
      expect(await users().findById(input.id)).toEqual(moved);
    });

    it('when nothing is changed, then the user is answered as it is', async () => {
      const input = ann();
      await users().create(input);
      expect(await users().update(input.id, {})).toEqual(input);
    });

    it('when an unknown user is changed, then nothing is found and nothing is created', async () => {
      const id = '0123456789abcdef01234567';
      expect(await users().update(id, { name: 'Ghost' })).toBeNull();
      expect(await users().findById(id)).toBeNull();
    });

    it('when a key is replaced, then the new hash is stored and ApiKeyRotated for that user waits in the outbox', async () => {
      const input = ann();
      await users().create(input);
      const apiKey = { salt: 'bmV3', hash: 'bmV3LWhhc2g' };
      const at = new Date('2030-02-01T00:00:00Z');

      expect(await users().replaceApiKey({ userId: input.id, apiKey, at }, 'req-1')).toBe(true);

      expect(await users().findById(input.id)).toEqual({ ...input, apiKey });
      const pending = await users().outbox.pendingFor(input.id);
      expect(pending).toEqual([
        {
          message: {
            id: expect.any(String),
            type: 'ApiKeyRotated',
            occurred_at: at.toISOString(),
            data: { user_id: input.id },
          },
          requestId: 'req-1',
        },
      ]);
      expect(JSON.stringify(pending)).not.toContain(apiKey.hash);
    });

    it('when a published rotation is marked, then the outbox no longer holds it', async () => {
      const input = ann();
      await users().create(input);
      await users().replaceApiKey({ userId: input.id, apiKey: { salt: 'cw', hash: 'aA' }, at: new Date() });
      const [pending] = await users().outbox.pendingFor(input.id);
      await users().outbox.markPublished(input.id, [pending!.message.id]);
      expect(await users().outbox.pendingFor(input.id)).toEqual([]);
    });

    it('when the key of an unknown user is replaced, then nothing is stored and no message written', async () => {
      const id = '0123456789abcdef01234567';
      const at = new Date('2030-02-01T00:00:00Z');
      expect(await users().replaceApiKey({ userId: id, apiKey: { salt: 'cw', hash: 'aA' }, at })).toBe(false);
      expect(await users().findById(id)).toBeNull();
      expect(await users().outbox.pendingFor(id)).toEqual([]);
      expect(await users().outbox.aggregatesWithPending(new Date('2100-01-01T00:00:00Z'), 10)).toEqual([]);
    });
  },
);
