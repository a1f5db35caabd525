/**
 * A user's own lifecycle through the embedded system's gateway: changing name and zone, and
 * replacing the api key, which the gateway (with its cache of verified keys) refuses from the
 * very next request.
 */
import { Writable } from 'node:stream';
import { messageSchemas, type Envelope } from '@slotkeeper/contracts';
import { createLogger } from '@slotkeeper/observability';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildEmbeddedSystem } from '../src/embedded.js';
import { errorPaths, useHarness, type Json } from './harness.js';

const h = useHarness();

const UNKNOWN = '0123456789abcdef01234567';
const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
const keyOf = (user: Json) => String(user.api_key);
/** The user as GET answers it: without the key. */
const asStored = ({ api_key: _key, ...user }: Json) => user;

describe('changing a user (PATCH)', () => {
  it('when the owner renames themself, then 200 with the user, and GET answers the new name', async () => {
    const user = await h.user();
    const res = await h.send('PATCH', `/api/user/users/${user.id}`, { name: 'Ann Berger' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ...asStored(user), name: 'Ann Berger' });
    expect((await h.send('GET', `/api/user/users/${user.id}`)).body).toEqual(res.body);
  });

  it('when the zone is sent in any case, then it is stored canonical; null makes it UTC again', async () => {
    const user = await h.user('Europe/Berlin');
    const moved = await h.send('PATCH', `/api/user/users/${user.id}/`, { timezone: 'america/new_york' });
    expect(moved.status).toBe(200);
    expect(moved.body).toEqual({ ...asStored(user), timezone: 'America/New_York' });

    const reset = await h.send('PATCH', `/api/user/users/${user.id}`, { timezone: null });
    expect(reset.status).toBe(200);
    expect(reset.body.timezone).toBe('UTC');
    expect((await h.send('GET', `/api/user/users/${user.id}`)).body.timezone).toBe('UTC');
  });

  it('when a name and a zone come together, then both change; an empty body changes nothing', async () => {
    const user = await h.user();
    const both = await h.send('PATCH', `/api/user/users/${user.id}`, { name: 'Ann', timezone: 'Asia/Kolkata' });
    expect(both.body).toMatchObject({ name: 'Ann', timezone: 'Asia/Kolkata', email: user.email });
    expect((await h.send('PATCH', `/api/user/users/${user.id}`, {})).body).toEqual(both.body);
  });

  it('when the name is empty, the zone unknown or a field unknown, then 400 naming each, and nothing changes', async () => {
    const user = await h.user();
    const bad = await h.send('PATCH', `/api/user/users/${user.id}`, { name: '', timezone: 'Mars/Olympus' });
    expect(bad.status).toBe(400);
    expect(bad.headers['content-type']).toContain('application/problem+json');
    expect(errorPaths(bad.body)).toEqual(['name', 'timezone']);

    const unknown = await h.send('PATCH', `/api/user/users/${user.id}`, { name: 'Ann', email: 'new@example.com' });
    expect(unknown.status).toBe(400);
    expect(JSON.stringify(unknown.body.errors)).toContain('email');

    expect((await h.send('PATCH', '/api/user/users/42', { name: 'Ann' }, bearer(keyOf(user)))).status).toBe(400);
    expect((await h.send('GET', `/api/user/users/${user.id}`)).body).toEqual(asStored(user));
  });

  it("when the id is another user's, known or not, then 403 (as GET answers), and that user is unchanged", async () => {
    const [ann, bob] = [await h.user(), await h.user()];
    const asAnn = bearer(keyOf(ann));
    expect((await h.send('PATCH', `/api/user/users/${bob.id}`, { name: 'Mallory' }, asAnn)).status).toBe(403);
    // No probing for users: an id nobody has is answered as another user's (GET does the same).
    expect((await h.send('PATCH', `/api/user/users/${UNKNOWN}`, { name: 'Mallory' }, asAnn)).status).toBe(403);
    expect((await h.send('GET', `/api/user/users/${UNKNOWN}`, undefined, asAnn)).status).toBe(403);
    expect((await h.send('GET', `/api/user/users/${bob.id}`)).body.name).toBe(bob.name);
  });
});

describe('replacing the api key', () => {
  /** Every ApiKeyRotated the embedded bus carries, as another gateway instance would hear it. */
  const rotations: Envelope[] = [];
  beforeAll(async () => {
    await h.bus.subscribe('other-gateway', ['ApiKeyRotated'], async (message) => void rotations.push(message), {
      broadcast: true,
    });
  });

  /** The rotations heard for one user, their data read as a consumer reads it. */
  const rotationsOf = (userId: string) =>
    rotations.filter((message) => messageSchemas.ApiKeyRotated.parse(message.data).user_id === userId);

  const getUser = (user: Json, key: string) => h.send('GET', `/api/user/users/${user.id}`, undefined, bearer(key));
  const rotate = (user: Json, key: string) =>
    h.send('POST', `/api/user/users/${user.id}/api_key`, undefined, bearer(key));

  it('when the owner asks, then 201 with a new key of the same format; the old key is refused on the very next request, the new one accepted', async () => {
    const user = await h.user();
    const oldKey = keyOf(user);
    // The gateway has verified (and cached) the old key.
    expect((await getUser(user, oldKey)).status).toBe(200);

    const res = await rotate(user, oldKey);
    expect(res.status).toBe(201);
    expect(Object.keys(res.body)).toEqual(['api_key']);
    const newKey = String(res.body.api_key);
    expect(newKey).toMatch(new RegExp(`^sk_${user.id}_[A-Za-z0-9_-]{43}$`));
    expect(newKey).not.toBe(oldKey);

    const refused = await getUser(user, oldKey);
    expect(refused.status).toBe(401);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect((await getUser(user, newKey)).status).toBe(200);
    expect((await getUser(user, newKey)).status).toBe(200);
    expect((await getUser(user, oldKey)).status).toBe(401);
  });

  it('when the key is replaced twice in a row, then each time the key before is refused at once and only the newest works', async () => {
    const user = await h.user();
    let current = keyOf(user);
    const spent: string[] = [];
    for (let round = 0; round < 2; round++) {
      expect((await getUser(user, current)).status).toBe(200);
      const res = await rotate(user, current);
      expect(res.status).toBe(201);
      spent.push(current);
      current = String(res.body.api_key);
      for (const key of spent) expect((await getUser(user, key)).status).toBe(401);
      expect((await getUser(user, current)).status).toBe(200);
    }
    // A spent key cannot rotate again either.
    expect((await rotate(user, spent[0]!)).status).toBe(401);
    expect((await getUser(user, current)).status).toBe(200);
  });

  it('when a key is replaced, then ApiKeyRotated naming the user, and no key, reaches every gateway on the bus', async () => {
    const user = await h.user();
    const res = await rotate(user, keyOf(user));
    expect(res.status).toBe(201);
    await expect.poll(() => rotationsOf(user.id)).toHaveLength(1);
    const [message] = rotationsOf(user.id);
    expect(message).toMatchObject({ type: 'ApiKeyRotated', data: { user_id: user.id } });
    expect(JSON.stringify(message)).not.toContain(String(res.body.api_key).slice(-43));
  });

  it("when another user's id is asked, known or not, then 403, and that user's key still works", async () => {
    const [ann, bob] = [await h.user(), await h.user()];
    expect((await rotate(bob, keyOf(ann))).status).toBe(403);
    expect((await h.send('POST', `/api/user/users/${UNKNOWN}/api_key`, undefined, bearer(keyOf(ann)))).status).toBe(
      403,
    );
    expect((await getUser(bob, keyOf(bob))).status).toBe(200);
    expect((await getUser(ann, keyOf(ann))).status).toBe(200);
  });

  it('when the id is malformed, then 400', async () => {
    const user = await h.user();
    expect((await h.send('POST', '/api/user/users/42/api_key', undefined, bearer(keyOf(user)))).status).toBe(400);
  });
});

describe('replacing the api key, in the logs', () => {
  it('when a key is replaced with every log level on, then neither the old key nor the new one is logged', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, callback) {
        lines.push(...String(chunk).split('\n').filter(Boolean));
        callback();
      },
    });
    const { gateway } = await buildEmbeddedSystem({ logger: createLogger({ level: 'trace', destination: sink }) });
    const created = await gateway.inject({
      method: 'POST',
      url: '/api/user/users',
      payload: { name: 'Quiet Ann', email: 'quiet@example.com' },
    });
    const { id, api_key: oldKey } = created.json<{ id: string; api_key: string }>();
    const rotated = await gateway.inject({
      method: 'POST',
      url: `/api/user/users/${id}/api_key`,
      headers: bearer(oldKey),
    });
    expect(rotated.statusCode).toBe(201);
    const newKey = rotated.json<{ api_key: string }>().api_key;
    expect(
      (await gateway.inject({ method: 'GET', url: `/api/user/users/${id}`, headers: bearer(oldKey) })).statusCode,
    ).toBe(401);
    await gateway.close();

    expect(lines.some((line) => line.includes(id))).toBe(true);
    for (const line of lines) {
      expect(line).not.toContain(oldKey.slice(-43));
      expect(line).not.toContain(newKey.slice(-43));
    }
  });
});
