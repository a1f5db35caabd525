import { apiKeys } from '@slotkeeper/auth';
import { createUserBody } from '@slotkeeper/contracts';
import { DuplicateEmailError, ForbiddenError, NotFoundError, UnauthorizedError } from '@slotkeeper/errors';
import { ManualClock } from '@slotkeeper/time';
import { describe, expect, it } from 'vitest';
import { MemoryUserRepository } from '../src/adapters/memory/memory-user-repository.js';
import { authenticate, createUser, getUser, type UserDeps } from '../src/domain/user-use-cases.js';

const NOW = '2030-06-01T12:00:00.000Z';
const gateway = { kind: 'service' as const, service: 'gateway' };
const as = (userId: string) => ({ kind: 'user' as const, userId });
const OTHER = 'ffffffffffffffffffffffff';

function system(): UserDeps {
  return { users: new MemoryUserRepository(), clock: new ManualClock(NOW), apiKeys };
}
/** The secret part of an api key (43 base64url characters, which may hold `_`). */
const secretOf = (key: string) => key.slice(-43);
const ann = (deps: UserDeps, email = 'Ann@Example.com') =>
  createUser(createUserBody.parse({ name: 'Ann', email, timezone: 'europe/berlin' }), deps);

describe('creating a user', () => {
  it('when a user is created, then it is stored as given at the clock’s time, and its api key, shown once, authenticates it', async () => {
    const deps = system();
    const { user, apiKey } = await ann(deps);
    expect(user).toMatchObject({
      name: 'Ann',
      email: 'ann@example.com',
      timezone: 'Europe/Berlin',
      createdAt: new Date(NOW),
    });
    expect(user.id).toMatch(/^[0-9a-f]{24}$/);
    expect(apiKey).toMatch(new RegExp(`^sk_${user.id}_`));
    expect(JSON.stringify(await deps.users.findById(user.id))).not.toContain(secretOf(apiKey));
    expect(await authenticate(gateway, apiKey, deps)).toEqual(user);
  });

  it('when two users are created, then each gets its own id and key', async () => {
    const deps = system();
    const first = await ann(deps, 'ann@example.com');
    const second = await ann(deps, 'bob@example.com');
    expect(second.user.id).not.toBe(first.user.id);
    expect((await authenticate(gateway, second.apiKey, deps)).id).toBe(second.user.id);
  });

  it('when the email is taken, whatever its case, then the second user is refused', async () => {
    const deps = system();
    await ann(deps, 'ann@example.com');
    await expect(ann(deps, 'ANN@example.com')).rejects.toBeInstanceOf(DuplicateEmailError);
  });
});

describe('reading a user', () => {
  it('when a user reads their own record, or a service does, then they get it', async () => {
    const deps = system();
    const { user } = await ann(deps);
    expect(await getUser(as(user.id), user.id, deps)).toEqual(user);
    expect(await getUser(gateway, user.id, deps)).toEqual(user);
  });

  it('when another user asks, then 403 whether or not the user exists (no probing for users)', async () => {
    const deps = system();
    const { user } = await ann(deps);
    await expect(getUser(as(OTHER), user.id, deps)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(getUser(as(user.id), OTHER, deps)).rejects.toBeInstanceOf(ForbiddenError);
  });

  it('when nobody is authenticated, then 401', async () => {
    const deps = system();
    const { user } = await ann(deps);
    await expect(getUser({ kind: 'anonymous' }, user.id, deps)).rejects.toBeInstanceOf(UnauthorizedError);
  });

  it('when a service asks for an id nobody has, then not found', async () => {
    await expect(getUser(gateway, OTHER, system())).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('authenticating an api key', () => {
  it('when anyone but a service asks, then 403, even with a valid key', async () => {
    const deps = system();
    const { user, apiKey } = await ann(deps);
    await expect(authenticate(as(user.id), apiKey, deps)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(authenticate({ kind: 'anonymous' }, apiKey, deps)).rejects.toBeInstanceOf(ForbiddenError);
  });

  it('when the key is malformed, names nobody, or has another secret, then 401', async () => {
    const deps = system();
    const { user, apiKey } = await ann(deps);
    const other = await ann(deps, 'bob@example.com');
    for (const key of [
      '',
      'not-a-key',
      apiKey.replace('sk_', 'ct_'),
      `sk_${OTHER}_${secretOf(apiKey)}`,
      `sk_${user.id}_${secretOf(other.apiKey)}`,
    ]) {
      await expect(authenticate(gateway, key, deps), key).rejects.toBeInstanceOf(UnauthorizedError);
    }
  });
});
