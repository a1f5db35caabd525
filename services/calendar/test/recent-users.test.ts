import { describe, expect, it } from 'vitest';
import { RecentUsers } from '../src/adapters/recent-users.js';
import type { Owner } from '../src/domain/calendar.js';

/** The user service as this cache meets it: a store it reads, counting the reads. */
function userService() {
  const users = new Map<string, Owner>();
  let reads = 0;
  return {
    users,
    reads: () => reads,
    find: async (id: string) => {
      reads++;
      return users.get(id) ?? null;
    },
  };
}

describe('owners kept briefly', () => {
  it('when an owner is asked again within the time to live, then the cache answers; after it, the service, with a new name', async () => {
    const service = userService();
    service.users.set('a', { id: 'a', name: 'Ann', timezone: 'UTC' });
    let now = 0;
    const cache = new RecentUsers(service, { ttlMs: 2_000, now: () => now });

    expect(await cache.find('a')).toMatchObject({ name: 'Ann' });
    service.users.set('a', { id: 'a', name: 'Ann Lee', timezone: 'UTC' });
    now = 1_999;
    expect(await cache.find('a')).toMatchObject({ name: 'Ann' });
    expect(service.reads()).toBe(1);
    now = 2_000;
    expect(await cache.find('a')).toMatchObject({ name: 'Ann Lee' });
    expect(service.reads()).toBe(2);
  });

  it('when a user is unknown, then that is never kept: created later, they are found at once', async () => {
    const service = userService();
    const cache = new RecentUsers(service, { now: () => 0 });
    expect(await cache.find('b')).toBeNull();
    service.users.set('b', { id: 'b', name: 'Bob', timezone: 'UTC' });
    expect(await cache.find('b')).toMatchObject({ name: 'Bob' });
  });

  it('when more owners are asked than it holds, then the least recently used is dropped first', async () => {
    const service = userService();
    for (const id of ['a', 'b', 'c']) service.users.set(id, { id, name: id, timezone: 'UTC' });
    const cache = new RecentUsers(service, { capacity: 2, now: () => 0 });
    await cache.find('a');
    await cache.find('b');
    await cache.find('a'); // a is now the most recent
    await cache.find('c'); // drops b
    expect(service.reads()).toBe(3);
    await cache.find('a');
    expect(service.reads()).toBe(3);
    await cache.find('b');
    expect(service.reads()).toBe(4);
  });
});
