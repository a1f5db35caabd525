/**
 * A source's secrets at rest: its URL (a "secret address" is the credential) and its password are
 * stored sealed, opened only to read, write back and answer the owner; secrets whose key left
 * SECRET_KEYS show the source `failing`; a key rotation re-seals them with the next sync.
 */
import { inspect } from 'node:util';
import type { BusySourceResponse } from '@slotkeeper/contracts';
import { SecretBox } from '@slotkeeper/secret-box';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MemorySourceRepository } from '../src/adapters/memory/memory-source-repository.js';
import { StoreWriteTargets } from '../src/adapters/write-targets.js';
import { secretContext, urlContext, type BusySource } from '../src/domain/busy-source.js';
import { SECRETS_UNREADABLE, SecretsUnreadable } from '../src/domain/source-secrets.js';
import { ANN, CAL, ics, icsServer, secretKeys, syncSystem, tomorrowAt } from './sync-system.js';
import type { IcsServer, SyncSystem } from './sync-system.js';

const TOKEN = 'private-3f9a7c21e8d04b6f';
const PASSWORD = 'pa55-w0rd-never-shown';
const meeting: [number, number] = [tomorrowAt(9), tomorrowAt(10)];
const K1 = secretKeys('k1');
const K2 = secretKeys('k2');
const keyIdOf = (sealed: string | null | undefined) => sealed?.split('.')[1];

let feeds: IcsServer;
let sys: SyncSystem | undefined;
beforeEach(async () => {
  feeds = await icsServer();
  feeds.serve(`/${TOKEN}/basic.ics`, { body: ics(meeting) });
});
afterEach(async () => {
  await sys?.close();
  sys = undefined;
  await feeds.close();
});

const secretUrl = () => feeds.url(`/${TOKEN}/basic.ics`);
/** The service (re)started on `sources` with these SECRET_KEYS, syncing every 100 ms. */
async function start(keys: string, sources: MemorySourceRepository) {
  await sys?.close();
  sys = await syncSystem({ secrets: SecretBox.fromEnv(keys), syncIntervalMs: 100, pollMs: 20 }, { sources });
  return sys;
}
const stored = async (sources: MemorySourceRepository, id: string) => (await sources.find(id))!;
const requestsFor = () => feeds.hits(`/${TOKEN}/basic.ics`);

describe('the URL at rest', () => {
  it('when a source is added, then the store keeps its URL and password sealed, each in its own context, and the owner still sees the URL', async () => {
    const sources = new MemorySourceRepository();
    const app = await start(K1, sources);

    const res = await app.create({ kind: 'ics', url: secretUrl(), username: 'ann', password: PASSWORD });

    expect(res.statusCode).toBe(201);
    const created = res.json<BusySourceResponse>();
    expect(created).toMatchObject({ url: secretUrl(), status: 'ok' });
    expect((await app.list()).json<BusySourceResponse[]>()[0]!.url).toBe(secretUrl());
    // Everything the memory store holds, its outbox included.
    const kept = inspect(sources, { depth: null, maxStringLength: null, maxArrayLength: null });
    expect(kept).not.toContain(TOKEN);
    expect(kept).not.toContain(PASSWORD);
    const source = await stored(sources, created.id);
    expect(source).not.toHaveProperty('url');
    expect(app.secrets.open(source.sealedUrl, urlContext(created.id))).toBe(secretUrl());
    expect(() => app.secrets.open(source.sealedUrl, secretContext(created.id))).toThrow();
    expect(app.lines.join('')).not.toContain(TOKEN);
  });
});

describe('secrets whose key left SECRET_KEYS', () => {
  /** A synced CalDAV write-back source, due now, its URL and password sealed under the keys `sealedBy` names. */
  function sealedSource(id: string, sealedBy: { url: string; password: string }): BusySource {
    const now = new Date();
    return {
      id,
      calendarId: CAL,
      userId: ANN,
      kind: 'caldav',
      sealedUrl: SecretBox.fromEnv(sealedBy.url).seal(secretUrl(), urlContext(id)),
      username: 'ann',
      sealedPassword: SecretBox.fromEnv(sealedBy.password).seal(PASSWORD, secretContext(id)),
      writeBookings: true,
      status: 'ok',
      lastSyncedAt: now,
      lastError: null,
      createdAt: now,
      ownerZone: 'UTC',
      version: 1,
      sync: { prior: {}, fingerprint: 'f', basis: null },
      nextSyncAt: now,
      lease: null,
    };
  }

  for (const [which, sealedBy] of [
    ['URL', { url: K1, password: K2 }],
    ['password', { url: K2, password: K1 }],
  ] as const) {
    it(`when its ${which} was sealed under a removed key, then the source shows failing with the reason, the server is not called, and nothing is published`, async () => {
      const sources = new MemorySourceRepository();
      const id = which === 'URL' ? '0000000000000000000000a1' : '0000000000000000000000a2';
      await sources.create(sealedSource(id, sealedBy), 10);

      const app = await start(K2, sources);

      await vi.waitFor(async () => expect(await stored(sources, id)).toMatchObject({ lastError: SECRETS_UNREADABLE }));
      const shown = (await app.list()).json<BusySourceResponse[]>()[0]!;
      expect(shown).toMatchObject({ id, status: 'failing', last_error: SECRETS_UNREADABLE });
      expect(shown.url).toBe(which === 'URL' ? '' : secretUrl());
      // The last good busy times stay where the booking service has them.
      expect(await stored(sources, id)).toMatchObject({ status: 'failing', version: 1 });
      expect(app.booking.state.heard).toEqual([]);
      expect(requestsFor()).toBe(0);
      // A write-back target it still is (its jobs wait for the key), whose secrets will not open.
      const targets = new StoreWriteTargets(sources, app.secrets);
      expect(await targets.sourceIdsFor(CAL)).toEqual([id]);
      await expect(targets.target(id)).rejects.toThrow(SecretsUnreadable);
      const logs = app.lines.join('');
      expect(logs).toContain('its secrets cannot be opened');
      expect(logs).not.toContain(TOKEN);
      expect(logs).not.toContain(PASSWORD);
    });
  }

  it('when only the list is asked before any sync ran, then it shows failing already, not an error', async () => {
    const sources = new MemorySourceRepository();
    await sources.create(
      {
        ...sealedSource('0000000000000000000000a3', { url: K1, password: K1 }),
        nextSyncAt: new Date(Date.now() + 3_600_000),
      },
      10,
    );
    const app = await start(K2, sources);

    const res = await app.list();

    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual([
      expect.objectContaining({ url: '', status: 'failing', last_error: SECRETS_UNREADABLE }),
    ]);
  });
});

describe('key rotation', () => {
  it('when SECRET_KEYS gains a new first key, then one sync re-seals the secrets under it, and the old key can go', async () => {
    const sources = new MemorySourceRepository();
    const first = await start(K1, sources);
    const { id } = (
      await first.create({ kind: 'ics', url: secretUrl(), username: 'ann', password: PASSWORD })
    ).json<BusySourceResponse>();
    const before = await stored(sources, id);
    expect([keyIdOf(before.sealedUrl), keyIdOf(before.sealedPassword)]).toEqual(['k1', 'k1']);

    // Restarted with a new key in front: the next sync re-seals.
    await start(`${K2},${K1}`, sources);
    await vi.waitFor(async () => {
      const source = await stored(sources, id);
      expect([keyIdOf(source.sealedUrl), keyIdOf(source.sealedPassword)]).toEqual(['k2', 'k2']);
    });
    const resealed = await stored(sources, id);
    expect(resealed).toMatchObject({ status: 'ok', lastError: null, version: 1 });

    // Restarted with the new key alone: still synced, with the same URL and password.
    const last = await start(K2, sources);
    const calls = requestsFor();
    const syncedAt = resealed.lastSyncedAt!.getTime();
    await vi.waitFor(async () => {
      expect(requestsFor()).toBeGreaterThan(calls);
      expect((await stored(sources, id)).lastSyncedAt!.getTime()).toBeGreaterThan(syncedAt);
    });
    expect(await stored(sources, id)).toMatchObject({ status: 'ok', lastError: null });
    expect((await last.list()).json<BusySourceResponse[]>()[0]).toMatchObject({ url: secretUrl(), status: 'ok' });
    const sent = feeds.requests.at(-1)!;
    expect(sent.headers.authorization).toBe(`Basic ${Buffer.from(`ann:${PASSWORD}`).toString('base64')}`);
    expect(last.lines.join('')).not.toContain(TOKEN);
  });
});
