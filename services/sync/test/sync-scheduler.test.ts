/**
 * Syncing in the background: what a later sync does with a source that changed, did not change,
 * or fails; a slow source beside quick ones; two instances on one store.
 */
import type { BusySourceResponse } from '@slotkeeper/contracts';
import { injectUpstream } from '@slotkeeper/http-kit';
import { InProcessBus, OutboxRelay } from '@slotkeeper/messaging';
import { silentLogger } from '@slotkeeper/observability';
import { SecretBox, secretKeysFromEnv } from '@slotkeeper/secret-box';
import { systemClock } from '@slotkeeper/time';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CalendarServiceOwners } from '../src/adapters/calendar-owners.js';
import { MemorySourceRepository } from '../src/adapters/memory/memory-source-repository.js';
import { syncOutboundClient } from '../src/adapters/outbound-client.js';
import { CalendarSourceReader } from '../src/adapters/source-reader.js';
import { SyncScheduler } from '../src/adapters/sync-scheduler.js';
import { MemoryOutboundRepository } from '../src/outbound/index.js';
import { newBusySource, urlContext, type BusySource, type SecretSealer } from '../src/domain/busy-source.js';
import type { SyncDeps } from '../src/domain/sync-source.js';
import {
  ANN,
  CAL,
  calendarService,
  ics,
  icsServer,
  secretKeys,
  syncSystem,
  tomorrowAt,
  type IcsServer,
  type SyncSystem,
} from './sync-system.js';

let feeds: IcsServer;
beforeEach(async () => {
  feeds = await icsServer();
});
afterEach(() => feeds.close());

const meeting: [number, number] = [tomorrowAt(9), tomorrowAt(10)];
const lunch: [number, number] = [tomorrowAt(12), tomorrowAt(13)];

describe('later syncs of a source', () => {
  let sys: SyncSystem;
  beforeEach(async () => {
    sys = await syncSystem({ syncIntervalMs: 100, pollMs: 20 });
  });
  afterEach(() => sys.close());

  const statusOf = async (id: string) =>
    (await sys.list()).json<BusySourceResponse[]>().find((source) => source.id === id)!;

  it('when the source changes, then its new busy set is published one version up', async () => {
    feeds.serve('/work.ics', { body: ics(meeting) });
    const { id } = (await sys.create({ kind: 'ics', url: feeds.url('/work.ics') })).json<BusySourceResponse>();

    feeds.serve('/work.ics', { body: ics(meeting, lunch) });

    await vi.waitFor(() => expect(sys.booking.of(id)).toMatchObject({ version: 2, busy: [meeting, lunch] }));
  });

  it('when the source answers 304 to its ETag, then it stays ok and nothing is published', async () => {
    feeds.serve('/work.ics', { body: ics(meeting), etag: '"v1"' });
    const { id } = (await sys.create({ kind: 'ics', url: feeds.url('/work.ics') })).json<BusySourceResponse>();

    await vi.waitFor(() => expect(feeds.hits('/work.ics')).toBeGreaterThanOrEqual(4));

    expect(feeds.requests.slice(1).every((r) => r.headers['if-none-match'] === '"v1"')).toBe(true);
    expect(await statusOf(id)).toMatchObject({ status: 'ok', last_error: null });
    expect(sys.booking.state.heard.map((m) => m.version)).toEqual([1]);
  });

  it('when an unchanged body comes again without validators, then nothing is published either', async () => {
    feeds.serve('/work.ics', { body: ics(meeting) });
    await sys.create({ kind: 'ics', url: feeds.url('/work.ics') });
    await vi.waitFor(() => expect(feeds.hits('/work.ics')).toBeGreaterThanOrEqual(4));
    expect(sys.booking.state.heard.map((m) => m.version)).toEqual([1]);
  });

  it('when a source starts failing, then it shows failing with the reason and booking keeps its last good busy times', async () => {
    feeds.serve('/work.ics', { body: ics(meeting) });
    const { id } = (await sys.create({ kind: 'ics', url: feeds.url('/work.ics') })).json<BusySourceResponse>();
    const synced = (await statusOf(id)).last_synced_at;

    feeds.serve('/work.ics', { body: 'down for maintenance', status: 500 });

    await vi.waitFor(async () => expect((await statusOf(id)).status).toBe('failing'));
    const failing = await statusOf(id);
    expect(failing.last_error).toMatch(/500/);
    expect(failing.last_synced_at).toBe(synced);
    expect(sys.booking.state.heard).toHaveLength(1);
    expect(sys.booking.of(id)).toMatchObject({ version: 1, busy: [meeting] });

    feeds.serve('/work.ics', { body: ics(meeting) });
    await vi.waitFor(async () => expect(await statusOf(id)).toMatchObject({ status: 'ok', last_error: null }));
  });

  it('when a body is not iCalendar, then failing with a reason, and nothing is published', async () => {
    feeds.serve('/work.ics', { body: '<html>Sign in</html>' });
    const res = await sys.create({ kind: 'ics', url: feeds.url('/work.ics') });
    expect(res.json()).toMatchObject({ status: 'failing', last_error: expect.any(String) });
    expect(sys.booking.state.heard).toEqual([]);
  });

  it('when one source hangs, then the others keep syncing meanwhile', async () => {
    feeds.serve('/slow.ics', { body: ics(meeting), delayMs: 2_500 });
    feeds.serve('/quick.ics', { body: ics(lunch) });
    await sys.sources.create(due('111111111111111111111111', feeds.url('/slow.ics'), sys.secrets), 10);
    await sys.sources.create(due('222222222222222222222222', feeds.url('/quick.ics'), sys.secrets), 10);

    await vi.waitFor(() => expect(feeds.hits('/quick.ics')).toBeGreaterThanOrEqual(5), { timeout: 2_000 });
    expect(feeds.hits('/slow.ics')).toBe(1);
    expect(sys.booking.of('222222222222222222222222')).toMatchObject({ version: 1, busy: [lunch] });
  });
});

describe('the limit of syncs at once', () => {
  let sys: SyncSystem;
  afterEach(() => sys.close());

  /** `count` sources due now on a feed that answers after `delayMs`, each syncing once it is claimed. */
  async function hangingSources(count: number, delayMs: number) {
    feeds.serve('/hanging.ics', { body: ics(meeting), delayMs });
    for (let n = 1; n <= count; n++)
      await sys.sources.create(due(String(n).repeat(24), feeds.url('/hanging.ics'), sys.secrets), 10);
    await vi.waitFor(() => expect(feeds.hits('/hanging.ics')).toBe(count));
  }

  it('when every worker is held by a hanging source, then a new source waits for one: 201 pending, synced once one frees, never 5 at once', async () => {
    sys = await syncSystem({ pollMs: 20, firstSyncWaitMs: 300 });
    await hangingSources(4, 1_500);
    feeds.serve('/quick.ics', { body: ics(lunch) });

    const res = await sys.create({ kind: 'ics', url: feeds.url('/quick.ics') });

    expect(res.statusCode).toBe(201);
    const { id, status } = res.json<BusySourceResponse>();
    expect(status).toBe('pending');
    expect(feeds.hits('/quick.ics')).toBe(0);
    await vi.waitFor(() => expect(sys.booking.of(id)).toMatchObject({ version: 1, busy: [lunch] }), {
      timeout: 3_000,
    });
    expect(feeds.maxInFlightAll()).toBe(4);
  });

  it('when a worker frees within the first-sync wait, then the new source waits for it and the 201 shows the sync', async () => {
    sys = await syncSystem({ pollMs: 20, firstSyncWaitMs: 2_000, concurrency: 1 });
    await hangingSources(1, 300);
    feeds.serve('/quick.ics', { body: ics(lunch) });

    const res = await sys.create({ kind: 'ics', url: feeds.url('/quick.ics') });

    expect(res.json<BusySourceResponse>()).toMatchObject({ status: 'ok' });
    expect(feeds.maxInFlightAll()).toBe(1);
  });
});

describe('a sync that outlives its lease', () => {
  it('when the source takes longer than the lease, then the sync is recorded failing before the lease ends', async () => {
    const sys = await syncSystem({ leaseMs: 1_000, syncIntervalMs: 100, pollMs: 20 });
    try {
      feeds.serve('/slow.ics', { body: ics(meeting), delayMs: 2_500 });
      const id = '111111111111111111111111';
      await sys.sources.create(due(id, feeds.url('/slow.ics'), sys.secrets), 10);

      await vi.waitFor(
        async () =>
          expect(await sys.sources.find(id)).toMatchObject({
            status: 'failing',
            lastError: 'the source took too long to read',
            lastSyncedAt: null,
          }),
        { timeout: 2_500 },
      );
      expect(sys.booking.state.heard).toEqual([]);
    } finally {
      await sys.close();
    }
  });
});

/** A source due now, as the store holds one, never synced. */
function due(id: string, url: string, secrets: SecretSealer): BusySource {
  return newBusySource({
    id,
    calendarId: CAL,
    userId: ANN,
    kind: 'ics',
    sealedUrl: secrets.seal(url, urlContext(id)),
    createdAt: new Date(),
    ownerZone: 'UTC',
  });
}

describe('two instances on one store', () => {
  it('never sync one source at the same time', async () => {
    const logger = silentLogger();
    const sources = new MemorySourceRepository();
    const bus = new InProcessBus({ logger });
    const relay = new OutboxRelay(sources.outbox, bus, { logger });
    const calendar = calendarService();
    const client = syncOutboundClient(true);
    const secrets = new SecretBox(secretKeysFromEnv(secretKeys()));
    const deps: SyncDeps = {
      sources,
      reader: new CalendarSourceReader(client),
      owners: new CalendarServiceOwners(injectUpstream(calendar.app)),
      secrets,
      outbox: relay,
      writeJobs: new MemoryOutboundRepository(),
      clock: systemClock,
      // Due again at once: only the lease keeps a second sync off.
      settings: { intervalMs: 0, windowDays: 30 },
    };
    const paths = ['/a.ics', '/b.ics', '/c.ics'];
    for (const [n, path] of paths.entries()) {
      feeds.serve(path, { body: ics(meeting), delayMs: 30 });
      await sources.create(due(String(n + 1).repeat(24), feeds.url(path), secrets), 10);
    }
    const instances = [1, 2].map(() => new SyncScheduler(deps, logger, { leaseMs: 60_000, pollMs: 5, concurrency: 3 }));
    instances.forEach((instance) => instance.start());

    await vi.waitFor(() => paths.forEach((path) => expect(feeds.hits(path)).toBeGreaterThanOrEqual(10)), {
      timeout: 5_000,
    });
    await Promise.all(instances.map((instance) => instance.stop()));

    for (const path of paths) expect(feeds.maxInFlight(path)).toBe(1);
    await relay.close();
    await client.close();
    await calendar.app.close();
  });
});
