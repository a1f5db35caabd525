/**
 * The write-back targets as the store gives them (`StoreWriteTargets` over the memory source
 * store and real sealing), and write-back through them when a source's key left SECRET_KEYS:
 * which targets a calendar has needs no secret, so no write is lost; a write waits for its key.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SecretBox } from '@slotkeeper/secret-box';
import { afterEach, describe, expect, it } from 'vitest';
import { MemorySourceRepository } from '../../src/adapters/memory/memory-source-repository.js';
import { StoreWriteTargets } from '../../src/adapters/write-targets.js';
import { secretContext, urlContext, type BusySource } from '../../src/domain/busy-source.js';
import { SECRETS_UNREADABLE, SecretsUnreadable } from '../../src/domain/source-secrets.js';
import { ANN, CAL, eventData, eventId, NOW, OTHER_CAL, outbound, SOURCE } from './outbound-fixtures.js';

const keys = (id: string) => `${id}:${randomBytes(32).toString('base64')}`;
const K1 = keys('k1');
const K2 = keys('k2');
const PASSWORD = 'pa55-w0rd-never-shown';

/** A source as the store keeps it, its URL and password sealed under `sealedBy`. */
function source(id: string, url: string, sealedBy: string, overrides: Partial<BusySource> = {}): BusySource {
  const box = SecretBox.fromEnv(sealedBy);
  return {
    id,
    calendarId: CAL,
    userId: ANN,
    kind: 'caldav',
    sealedUrl: box.seal(url, urlContext(id)),
    username: 'ann',
    sealedPassword: box.seal(PASSWORD, secretContext(id)),
    writeBookings: true,
    status: 'ok',
    lastSyncedAt: null,
    lastError: null,
    createdAt: new Date(NOW),
    ownerZone: 'UTC',
    version: 0,
    sync: { prior: {}, fingerprint: null, basis: null },
    nextSyncAt: new Date(NOW),
    lease: null,
    ...overrides,
  };
}

const ids = (n: number) => `50505050505050505050505${n}`;

describe('StoreWriteTargets', () => {
  it("when asked for a calendar's targets' ids, then its CalDAV write-back sources are listed, those whose secrets will not open included", async () => {
    const sources = new MemorySourceRepository();
    await sources.create(source(ids(1), 'https://dav.example/ann/work/', K1), 10);
    await sources.create(source(ids(2), 'https://dav.example/ann/home/', K2), 10);
    await sources.create(source(ids(3), 'https://dav.example/ann/read/', K1, { writeBookings: false }), 10);
    await sources.create(source(ids(4), 'https://ics.example/ann.ics', K1, { kind: 'ics', writeBookings: true }), 10);
    await sources.create(source(ids(5), 'https://dav.example/bob/', K1, { calendarId: OTHER_CAL }), 10);
    // Only K2 is configured: source 1's key left SECRET_KEYS.
    const targets = new StoreWriteTargets(sources, SecretBox.fromEnv(K2));

    expect(await targets.sourceIdsFor(CAL)).toEqual([ids(1), ids(2)]);
  });

  it('when one target is asked for, then its URL as given and its credentials; null once it is gone or writes no bookings', async () => {
    const sources = new MemorySourceRepository();
    // No trailing slash, as an owner may give it: the CalDAV client makes it a collection.
    await sources.create(source(ids(1), 'https://dav.example/ann/work', K1), 10);
    await sources.create(source(ids(3), 'https://dav.example/ann/read/', K1, { writeBookings: false }), 10);
    const targets = new StoreWriteTargets(sources, SecretBox.fromEnv(K1));

    expect(await targets.target(ids(1))).toEqual({
      sourceId: ids(1),
      calendarId: CAL,
      url: 'https://dav.example/ann/work',
      credentials: { username: 'ann', password: PASSWORD },
    });
    expect(await targets.target(ids(3))).toBeNull();
    expect(await targets.target(ids(9))).toBeNull();
  });

  it('when its secrets will not open, then asking for the target throws SecretsUnreadable, naming no secret', async () => {
    const sources = new MemorySourceRepository();
    await sources.create(source(ids(1), 'https://dav.example/ann/work/', K1), 10);
    const targets = new StoreWriteTargets(sources, SecretBox.fromEnv(K2));

    const error = await targets.target(ids(1)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SecretsUnreadable);
    expect((error as Error).message).toBe(SECRETS_UNREADABLE);
  });
});

describe('write-back when a key was dropped too early', () => {
  let server: Server | undefined;
  afterEach(() => new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined))));

  it('when a booking comes while the key is missing, then its job is kept with the reason, and the write goes through once the key is back', async () => {
    const requests: string[] = [];
    server = createServer((request, response) => {
      requests.push(`${request.method} ${request.url}`);
      request.resume();
      request.on('end', () => response.writeHead(201).end());
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const sources = new MemorySourceRepository();
    await sources.create(source(SOURCE, `http://127.0.0.1:${port}/dav/work`, K1), 10);
    const sys = outbound({ retryDelaysMs: [1_000] });
    // This instance was restarted with only the new key.
    sys.deps.targets = new StoreWriteTargets(sources, SecretBox.fromEnv(K2));
    const id = eventId();

    await sys.handlers.EventBooked(eventData(id));
    expect(await sys.worker.runDue()).toBe(1);
    expect(await sys.store.findWriteJob(SOURCE, id)).toMatchObject({
      state: 'pending',
      attempts: 1,
      lastError: SECRETS_UNREADABLE,
    });
    expect(requests).toEqual([]);

    // The old key put back, after the new one.
    sys.deps.targets = new StoreWriteTargets(sources, SecretBox.fromEnv(`${K2},${K1}`));
    sys.clock.set(new Date(sys.clock.now().getTime() + 1_000));
    expect(await sys.worker.runDue()).toBe(1);
    expect(await sys.store.findWriteJob(SOURCE, id)).toMatchObject({ state: 'done', lastError: null });
    expect(requests).toEqual([`PUT /dav/work/${id}.ics`]);
    expect(sys.lines.join('\n')).not.toContain(PASSWORD);
    await sys.client.close();
  });
});
