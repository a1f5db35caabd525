import { apiKeys } from '@slotkeeper/auth';
import { createUserBody, updateUserBody, type Envelope } from '@slotkeeper/contracts';
import { DuplicateEmailError, ForbiddenError, NotFoundError, UnauthorizedError } from '@slotkeeper/errors';
import { InProcessBus, OutboxRelay } from '@slotkeeper/messaging';
import { silentLogger } from '@slotkeeper/observability';
import { ManualClock } from '@slotkeeper/time';
import { describe, expect, it } from 'vitest';
import { MemoryUserRepository } from '../src/adapters/memory/memory-user-repository.js';
import {
  authenticate,
  createUser,
  getUser,
  rotateApiKey,
  updateUser,
  type UserDeps,
} from '../src/domain/user-use-cases.js';

const NOW = '2030-06-01T12:00:00.000Z';
const gateway = { kind: 'service' as const, service: 'gateway' };
const as = (userId: string) => ({ kind: 'user' as const, userId });
const OTHER = 'ffffffffffffffffffffffff';

/** The service's domain on the memory store, its outbox relayed to a bus that records what it hears. */
function system(): UserDeps & { users: MemoryUserRepository; outbox: OutboxRelay; heard: Envelope[] } {
  const users = new MemoryUserRepository();
  const bus = new InProcessBus({ logger: silentLogger() });
  const heard: Envelope[] = [];
  void bus.subscribe('gateway', ['ApiKeyRotated'], async (message) => void heard.push(message), { broadcast: true });
  const outbox = new OutboxRelay(users.outbox, bus, { logger: silentLogger() });
  return { users, clock: new ManualClock(NOW), apiKeys, outbox, heard };
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

describe('changing a user', () => {
  const changes = (body: unknown) => updateUserBody.parse(body);

  it('when the owner renames themself, then only the name changes', async () => {
    const deps = system();
    const { user } = await ann(deps);
    const changed = await updateUser(as(user.id), user.id, changes({ name: 'Ann B.' }), deps);
    expect(changed).toEqual({ ...user, name: 'Ann B.' });
    expect(await deps.users.findById(user.id)).toEqual(changed);
  });

  it('when the zone is sent in any case, then it is stored canonical; null makes it UTC again', async () => {
    const deps = system();
    const { user } = await ann(deps);
    expect((await updateUser(as(user.id), user.id, changes({ timezone: 'america/new_york' }), deps)).timezone).toBe(
      'America/New_York',
    );
    expect((await updateUser(as(user.id), user.id, changes({ timezone: null }), deps)).timezone).toBe('UTC');
  });

  it('when the body changes nothing, then the user is answered as it is', async () => {
    const deps = system();
    const { user } = await ann(deps);
    expect(await updateUser(as(user.id), user.id, changes({}), deps)).toEqual(user);
  });

  it('when another user asks, then 403 whether or not the user exists, and nothing changes', async () => {
    const deps = system();
    const { user } = await ann(deps);
    await expect(updateUser(as(OTHER), user.id, { name: 'Mallory' }, deps)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(updateUser(as(user.id), OTHER, { name: 'Mallory' }, deps)).rejects.toBeInstanceOf(ForbiddenError);
    expect((await deps.users.findById(user.id))?.name).toBe('Ann');
  });

  it('when nobody is authenticated, then 401; when a service changes an id nobody has, then not found', async () => {
    const deps = system();
    const { user } = await ann(deps);
    await expect(updateUser({ kind: 'anonymous' }, user.id, { name: 'X' }, deps)).rejects.toBeInstanceOf(
      UnauthorizedError,
    );
    await expect(updateUser(gateway, OTHER, { name: 'X' }, deps)).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('replacing an api key', () => {
  it('when the owner asks, then a new key of the same format is returned, the old one fails at once and the new one works', async () => {
    const deps = system();
    const { user, apiKey: oldKey } = await ann(deps);

    const newKey = await rotateApiKey(as(user.id), user.id, deps);

    expect(newKey).toMatch(new RegExp(`^sk_${user.id}_[A-Za-z0-9_-]{43}$`));
    expect(oldKey).toMatch(new RegExp(`^sk_${user.id}_[A-Za-z0-9_-]{43}$`));
    expect(newKey).not.toBe(oldKey);
    await expect(authenticate(gateway, oldKey, deps)).rejects.toBeInstanceOf(UnauthorizedError);
    expect((await authenticate(gateway, newKey, deps)).id).toBe(user.id);
    expect(JSON.stringify(await deps.users.findById(user.id))).not.toContain(secretOf(newKey));
  });

  it('when a key is replaced, then ApiKeyRotated naming the user (and no key) is published once, at the clock’s time', async () => {
    const deps = system();
    const { user } = await ann(deps);

    const newKey = await rotateApiKey(as(user.id), user.id, deps, { requestId: 'req-rotate' });
    // The use case starts the flush without waiting for it; a later flush queues behind it.
    await deps.outbox.flush(user.id);

    expect(deps.heard).toEqual([
      { id: expect.any(String), type: 'ApiKeyRotated', occurred_at: NOW, data: { user_id: user.id } },
    ]);
    expect(JSON.stringify(deps.heard)).not.toContain(secretOf(newKey));
    expect(await deps.users.outbox.pendingFor(user.id)).toEqual([]);
  });

  it('when the key is replaced twice, then only the last key works, and each rotation is announced', async () => {
    const deps = system();
    const { user, apiKey: first } = await ann(deps);
    const second = await rotateApiKey(as(user.id), user.id, deps);
    const third = await rotateApiKey(as(user.id), user.id, deps);
    await deps.outbox.flush(user.id);

    for (const stale of [first, second]) {
      await expect(authenticate(gateway, stale, deps)).rejects.toBeInstanceOf(UnauthorizedError);
    }
    expect((await authenticate(gateway, third, deps)).id).toBe(user.id);
    expect(deps.heard.map((message) => message.type)).toEqual(['ApiKeyRotated', 'ApiKeyRotated']);
  });

  it('when another user, nobody or a service asks, then refused, the key unchanged and nothing announced', async () => {
    const deps = system();
    const { user, apiKey } = await ann(deps);
    await expect(rotateApiKey(as(OTHER), user.id, deps)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(rotateApiKey(as(user.id), OTHER, deps)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(rotateApiKey({ kind: 'anonymous' }, user.id, deps)).rejects.toBeInstanceOf(UnauthorizedError);
    // A key is the user's own secret: no service is handed one, not even the gateway.
    await expect(rotateApiKey(gateway, user.id, deps)).rejects.toBeInstanceOf(ForbiddenError);

    expect((await authenticate(gateway, apiKey, deps)).id).toBe(user.id);
    expect(await deps.users.outbox.aggregatesWithPending(new Date('2100-01-01T00:00:00Z'), 10)).toEqual([]);
    expect(deps.heard).toEqual([]);
  });

  it('when the user is gone, then not found and nothing announced', async () => {
    const deps = system();
    await expect(rotateApiKey(as(OTHER), OTHER, deps)).rejects.toBeInstanceOf(NotFoundError);
    expect(await deps.users.outbox.aggregatesWithPending(new Date('2100-01-01T00:00:00Z'), 10)).toEqual([]);
  });
});
