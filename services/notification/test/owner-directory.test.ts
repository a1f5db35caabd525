import type { CallOptions } from '@slotkeeper/service-clients';
import { describe, expect, it } from 'vitest';
import { HttpOwnerDirectory } from '../src/adapters/http/owner-directory.js';

const CAL = 'c0c0c0c0c0c0c0c0c0c0c0c0';
const USER = 'a1a1a1a1a1a1a1a1a1a1a1a1';

/** The two services as the client library shows them, with a switch to make them fail. */
function services() {
  const calls: string[] = [];
  let down = false;
  let name = 'Alice';
  const state = {
    calls,
    goDown: () => void (down = true),
    rename: (to: string) => void (name = to),
    calendars: {
      async find(id: string, options?: CallOptions) {
        calls.push(`calendar ${id} ${options?.requestId ?? '-'}`);
        if (down) throw new Error('the calendar service answered 503');
        return id === CAL ? { id, user_id: USER, name: 'Intro calls' } : null;
      },
    },
    users: {
      async find(id: string, options?: CallOptions) {
        calls.push(`user ${id} ${options?.requestId ?? '-'}`);
        return {
          id,
          name,
          email: 'alice@example.com',
          timezone: 'Europe/Berlin',
          created_at: '2030-01-01T00:00:00.000Z',
        };
      },
    },
  };
  return state;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('calendar owners over the services’ APIs', () => {
  it('asks the calendar, then the user service, under the request id, and answers the owner', async () => {
    const s = services();
    const owners = new HttpOwnerDirectory(s);
    expect(await owners.ownerOf(CAL, { requestId: 'trace-1' })).toEqual({
      name: 'Alice',
      email: 'alice@example.com',
      timezone: 'Europe/Berlin',
    });
    expect(s.calls).toEqual([`calendar ${CAL} trace-1`, `user ${USER} trace-1`]);
  });

  it('when many messages of one calendar arrive at once and again later, then the services are asked once', async () => {
    const s = services();
    const owners = new HttpOwnerDirectory(s);
    await Promise.all(Array.from({ length: 20 }, () => owners.ownerOf(CAL, {})));
    await owners.ownerOf(CAL, {});
    expect(s.calls).toHaveLength(2);
  });

  it('when the cached answer is older than the TTL, then it is asked again and a new name shows', async () => {
    const s = services();
    const owners = new HttpOwnerDirectory(s, { ttlMs: 30 });
    await owners.ownerOf(CAL, {});
    s.rename('Alice B.');
    await sleep(60);
    expect((await owners.ownerOf(CAL, {}))?.name).toBe('Alice B.');
  });

  it('when the services cannot answer, then a calendar asked before keeps its last owner and one never asked throws', async () => {
    const s = services();
    const owners = new HttpOwnerDirectory(s, { ttlMs: 30 });
    await owners.ownerOf(CAL, {});
    await sleep(60);
    s.goDown();
    expect((await owners.ownerOf(CAL, {}))?.email).toBe('alice@example.com');
    await expect(owners.ownerOf('ffffffffffffffffffffffff', {})).rejects.toThrow('503');
  });

  it('answers null for a calendar that does not exist, and asks again next time (nothing cached)', async () => {
    const s = services();
    const owners = new HttpOwnerDirectory(s);
    const gone = 'dddddddddddddddddddddddd';
    expect(await owners.ownerOf(gone, {})).toBeNull();
    expect(await owners.ownerOf(gone, {})).toBeNull();
    expect(s.calls).toEqual([`calendar ${gone} -`, `calendar ${gone} -`]);
  });

  it('keeps at most `max` calendars', async () => {
    const s = services();
    const owners = new HttpOwnerDirectory(
      {
        calendars: { find: async (id: string) => ({ id, user_id: USER, name: 'x' }) },
        users: s.users,
      },
      { max: 2 },
    );
    for (const id of ['a', 'b', 'c', 'a']) await owners.ownerOf(id.repeat(24), {});
    // a, b, c fill a cache of two: a was evicted by c and is asked again.
    expect(s.calls.filter((call) => call.startsWith('user'))).toHaveLength(4);
  });
});
