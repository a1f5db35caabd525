/**
 * The busy-source routes through the built app: ownership through the calendar service, the URL
 * rule, the first sync before the answer (or pending), read-your-writes through the booking
 * service, secrets kept out of answers and logs.
 */
import type { BusySourceResponse } from '@slotkeeper/contracts';
import { MAX_BUSY_SOURCES_PER_CALENDAR } from '@slotkeeper/contracts';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  ANN,
  BOBS_CAL,
  CAL,
  NO_CAL,
  bob,
  ics,
  icsServer,
  syncSystem,
  tomorrowAt,
  type IcsServer,
  type SyncSystem,
} from './sync-system.js';

let sys: SyncSystem;
let feeds: IcsServer;
const meeting: [number, number] = [tomorrowAt(9), tomorrowAt(10)];

beforeEach(async () => {
  feeds = await icsServer();
  sys = await syncSystem();
});
afterEach(async () => {
  await sys.close();
  await feeds.close();
});

describe('POST busy_sources', () => {
  it('when the first sync succeeds in time, then 201 ok, and booking already has the busy times', async () => {
    feeds.serve('/work.ics', { body: ics(meeting) });
    const res = await sys.create({ kind: 'ics', url: feeds.url('/work.ics') });

    expect(res.statusCode).toBe(201);
    const source = res.json<BusySourceResponse>();
    expect(source).toMatchObject({
      calendar_id: CAL,
      kind: 'ics',
      url: feeds.url('/work.ics'),
      username: null,
      write_bookings: false,
      status: 'ok',
      last_error: null,
    });
    expect(Date.parse(source.last_synced_at!)).toBeGreaterThan(Date.now() - 60_000);
    // Read-your-writes: the 201 came after the booking service applied version 1.
    expect(sys.booking.of(source.id)).toMatchObject({ version: 1, removed: false, busy: [meeting] });
  });

  it('when the source answers an error, then 201 failing with a reason that names no path, and nothing is published', async () => {
    const res = await sys.create({ kind: 'ics', url: feeds.url('/secret-token-123/missing.ics') });

    expect(res.statusCode).toBe(201);
    const source = res.json<BusySourceResponse>();
    expect(source.status).toBe('failing');
    expect(source.last_error).toMatch(/404/);
    expect(source.last_error).not.toContain('secret-token-123');
    expect(source.last_synced_at).toBeNull();
    expect(sys.booking.state.heard).toEqual([]);
  });

  it('when the first sync takes longer than the wait, then 201 pending, and the sync finishes in the background', async () => {
    await sys.close();
    sys = await syncSystem({ firstSyncWaitMs: 200 });
    feeds.serve('/slow.ics', { body: ics(meeting), delayMs: 800 });

    const res = await sys.create({ kind: 'ics', url: feeds.url('/slow.ics') });

    expect(res.statusCode).toBe(201);
    const { id, status } = res.json<BusySourceResponse>();
    expect(status).toBe('pending');
    await vi.waitFor(async () => expect((await sys.list()).json()[0].status).toBe('ok'), { timeout: 3_000 });
    await vi.waitFor(() => expect(sys.booking.of(id)?.version).toBe(1));
  });

  it('when credentials are given, then the username shows, the password never (not in answers, store or logs)', async () => {
    const url = feeds.url('/private-token-987/private.ics');
    feeds.serve('/private-token-987/private.ics', { body: ics(meeting) });

    const res = await sys.create({ kind: 'ics', url, username: 'ann', password: 'pa55-w0rd-never-shown' });
    const list = await sys.list();

    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ username: 'ann', status: 'ok' });
    for (const body of [res.body, list.body]) expect(body).not.toContain('pa55-w0rd-never-shown');
    expect(res.json()).not.toHaveProperty('password');
    const stored = await sys.sources.find(res.json<BusySourceResponse>().id);
    expect(stored?.sealedPassword).toMatch(/^v1\./);
    expect(stored?.sealedPassword).not.toContain('pa55');
    // The server got them as basic credentials.
    const sent = feeds.requests.find((r) => r.path === '/private-token-987/private.ics')!;
    expect(sent.headers.authorization).toBe(`Basic ${Buffer.from('ann:pa55-w0rd-never-shown').toString('base64')}`);
    const logs = sys.lines.join('');
    expect(logs).not.toContain('pa55-w0rd-never-shown');
    expect(logs).not.toContain('private-token-987');
  });

  it('when the URL resolves to a private address and they are not allowed, then 400 naming url', async () => {
    await sys.close();
    sys = await syncSystem({ allowPrivateUrls: false });
    for (const url of [feeds.url('/work.ics'), 'http://localhost:9/x.ics', 'webcal://10.1.2.3/cal.ics']) {
      const res = await sys.create({ kind: 'ics', url });
      expect(res.statusCode).toBe(400);
      expect(res.json().errors).toEqual([expect.objectContaining({ path: 'url' })]);
    }
    expect(await sys.sources.listByCalendar(CAL)).toEqual([]);
    expect(feeds.requests).toEqual([]);
  });

  it('when the body is malformed, then 400 naming the fields', async () => {
    const res = await sys.create({ kind: 'ics', url: 'ftp://example.com/x', write_bookings: true, username: 'a' });
    expect(res.statusCode).toBe(400);
    expect(
      res
        .json()
        .errors.map((e: { path: string }) => e.path)
        .sort(),
    ).toEqual(['password', 'url', 'write_bookings']);
  });

  it('when the calendar is unknown, then 404; another user’s, then 403; the calendar service down, then 503', async () => {
    feeds.serve('/work.ics', { body: ics(meeting) });
    const body = { kind: 'ics', url: feeds.url('/work.ics') };

    expect((await sys.create(body, undefined, NO_CAL)).statusCode).toBe(404);
    expect((await sys.create(body, undefined, BOBS_CAL)).statusCode).toBe(403);
    expect((await sys.list(undefined, BOBS_CAL)).statusCode).toBe(403);
    expect((await sys.create(body, bob, CAL)).statusCode).toBe(403);
    sys.calendar.state.down = true;
    const down = await sys.create(body);
    expect(down.statusCode).toBe(503);
    expect(down.headers['retry-after']).toBeDefined();
    expect(feeds.requests).toEqual([]);
  });

  it(`when the calendar has ${MAX_BUSY_SOURCES_PER_CALENDAR} sources, then another is 409`, async () => {
    feeds.serve('/work.ics', { body: ics(meeting) });
    for (let n = 0; n < MAX_BUSY_SOURCES_PER_CALENDAR; n++) {
      expect((await sys.create({ kind: 'ics', url: feeds.url('/work.ics') })).statusCode).toBe(201);
    }
    expect((await sys.create({ kind: 'ics', url: feeds.url('/work.ics') })).statusCode).toBe(409);
    expect((await sys.list()).json()).toHaveLength(MAX_BUSY_SOURCES_PER_CALENDAR);
  });

  it('when the booking service does not catch up, then 201 pending with the source as stored, one source only, and the next list shows ok', async () => {
    sys.booking.state.listening = false;
    feeds.serve('/work.ics', { body: ics(meeting) });

    const res = await sys.create({ kind: 'ics', url: feeds.url('/work.ics') });

    expect(res.statusCode).toBe(201);
    const created = res.json<BusySourceResponse>();
    expect(created).toMatchObject({ status: 'pending', last_error: null, url: feeds.url('/work.ics') });
    expect(created.last_synced_at).not.toBeNull();
    // Its busy times are saved and sent: they come into force when the booking service catches up.
    expect(sys.booking.state.heard).toMatchObject([{ source_id: created.id, version: 1 }]);
    expect((await sys.list()).json()).toEqual([{ ...created, status: 'ok' }]);
  });

  it('when the calendar service answers a 404 that is not its problem document, then 503, not 404', async () => {
    feeds.serve('/work.ics', { body: ics(meeting) });
    sys.calendar.state.bare404 = true;

    const res = await sys.create({ kind: 'ics', url: feeds.url('/work.ics') });

    expect(res.statusCode).toBe(503);
    expect((await sys.list()).statusCode).toBe(503);
    expect(feeds.requests).toEqual([]);
  });
});

describe('syncing a source whose calendar the calendar service does not find', () => {
  beforeEach(async () => {
    await sys.close();
    sys = await syncSystem({ syncIntervalMs: 100, pollMs: 20 });
  });

  it('when it says the calendar does not exist, then the source stays, failing, and booking keeps its busy times', async () => {
    feeds.serve('/work.ics', { body: ics(meeting) });
    const { id } = (await sys.create({ kind: 'ics', url: feeds.url('/work.ics') })).json<BusySourceResponse>();

    sys.calendar.owners.delete(CAL);

    await vi.waitFor(async () =>
      expect(await sys.sources.find(id)).toMatchObject({ status: 'failing', lastError: 'the calendar was not found' }),
    );
    expect(sys.booking.of(id)).toMatchObject({ version: 1, removed: false, busy: [meeting] });
    expect(sys.booking.state.heard).toHaveLength(1);

    // The calendar answers again (a deploy's passing state): the next sync is ok, nothing lost.
    sys.calendar.owners.set(CAL, ANN);
    await vi.waitFor(async () => expect(await sys.sources.find(id)).toMatchObject({ status: 'ok', lastError: null }));
  });

  it('when it answers a 404 that is not its problem document, then the source syncs on in the zone last learned', async () => {
    feeds.serve('/work.ics', { body: ics(meeting) });
    const { id } = (await sys.create({ kind: 'ics', url: feeds.url('/work.ics') })).json<BusySourceResponse>();
    const before = feeds.hits('/work.ics');

    sys.calendar.state.bare404 = true;

    await vi.waitFor(() => expect(feeds.hits('/work.ics')).toBeGreaterThan(before + 2));
    expect(await sys.sources.find(id)).toMatchObject({ status: 'ok', ownerZone: 'Asia/Kolkata' });
    expect(sys.booking.of(id)).toMatchObject({ version: 1, removed: false });
  });
});

describe('GET busy_sources', () => {
  it('lists the calendar’s sources by creation, with their status', async () => {
    feeds.serve('/a.ics', { body: ics(meeting) });
    const a = (await sys.create({ kind: 'ics', url: feeds.url('/a.ics') })).json<BusySourceResponse>();
    const b = (await sys.create({ kind: 'ics', url: feeds.url('/b.ics') })).json<BusySourceResponse>();
    const res = await sys.list();
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual([a, b]);
    expect(res.json().map((s: BusySourceResponse) => s.status)).toEqual(['ok', 'failing']);
  });

  it('when the calendar is unknown, then 404', async () => {
    expect((await sys.list(undefined, NO_CAL)).statusCode).toBe(404);
  });
});

describe('DELETE busy_sources/:id', () => {
  it('when deleted, then 204 after booking withdrew its busy times, and it no longer lists', async () => {
    feeds.serve('/work.ics', { body: ics(meeting) });
    const { id } = (await sys.create({ kind: 'ics', url: feeds.url('/work.ics') })).json<BusySourceResponse>();

    const res = await sys.remove(id);

    expect(res.statusCode).toBe(204);
    expect(sys.booking.of(id)).toMatchObject({ version: 2, removed: true, busy: [] });
    expect((await sys.list()).json()).toEqual([]);
    expect((await sys.remove(id)).statusCode).toBe(404);
  });

  it('when the booking service does not catch up, then 503 with the deletion saved, and a retry is 404', async () => {
    feeds.serve('/work.ics', { body: ics(meeting) });
    const { id } = (await sys.create({ kind: 'ics', url: feeds.url('/work.ics') })).json<BusySourceResponse>();
    sys.booking.state.listening = false;

    const res = await sys.remove(id);

    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toBeDefined();
    expect(await sys.sources.find(id)).toBeNull();
    expect(sys.booking.state.heard.at(-1)).toMatchObject({ source_id: id, version: 2, removed: true });
    expect((await sys.remove(id)).statusCode).toBe(404);
    expect((await sys.list()).json()).toEqual([]);
  });

  it('when a write-back source is deleted, then its write-back jobs go with it, and another source’s stay', async () => {
    const [work, other] = await writeBackSources();

    expect((await sys.remove(work)).statusCode).toBe(204);

    expect(await sys.outbound.findWriteJob(work, EVENT)).toBeNull();
    expect(await sys.outbound.findWriteJob(other, EVENT)).toMatchObject({ state: 'pending' });
  });

  it('when the source is another calendar’s or the calendar another user’s, then 404 or 403', async () => {
    feeds.serve('/work.ics', { body: ics(meeting) });
    const { id } = (await sys.create({ kind: 'ics', url: feeds.url('/work.ics') })).json<BusySourceResponse>();
    expect((await sys.remove(id, bob, BOBS_CAL)).statusCode).toBe(404);
    expect((await sys.remove(id, bob, CAL)).statusCode).toBe(403);
    expect((await sys.remove('ffffffffffffffffffffffff')).statusCode).toBe(404);
    expect((await sys.list()).json()).toHaveLength(1);
  });
});

describe('a deleted calendar', () => {
  it('when CalendarDeleted arrives, then its sources go and each withdraws its busy times', async () => {
    feeds.serve('/work.ics', { body: ics(meeting) });
    const { id } = (await sys.create({ kind: 'ics', url: feeds.url('/work.ics') })).json<BusySourceResponse>();

    await sys.bus.publish({
      id: crypto.randomUUID(),
      type: 'CalendarDeleted',
      occurred_at: new Date().toISOString(),
      data: { calendar_id: CAL, user_id: ANN, version: 3 },
    });

    await vi.waitFor(() => expect(sys.booking.of(id)).toMatchObject({ version: 2, removed: true, busy: [] }));
    expect(await sys.sources.listByCalendar(CAL)).toEqual([]);
  });

  it('when CalendarDeleted arrives, then its sources’ write-back jobs go too', async () => {
    const sourceIds = await writeBackSources();

    await sys.bus.publish({
      id: crypto.randomUUID(),
      type: 'CalendarDeleted',
      occurred_at: new Date().toISOString(),
      data: { calendar_id: CAL, user_id: ANN, version: 3 },
    });

    await vi.waitFor(async () => expect(await sys.sources.listByCalendar(CAL)).toEqual([]));
    for (const id of sourceIds) expect(await sys.outbound.findWriteJob(id, EVENT)).toBeNull();
  });

  it('when CalendarDeleted arrives, then its feed token goes too', async () => {
    await sys.outbound.setFeedToken(CAL, 'a'.repeat(64));

    await sys.bus.publish({
      id: crypto.randomUUID(),
      type: 'CalendarDeleted',
      occurred_at: new Date().toISOString(),
      data: { calendar_id: CAL, user_id: ANN, version: 3 },
    });

    await vi.waitFor(async () => expect(await sys.outbound.feedTokenHash(CAL)).toBeNull());
  });
});

const EVENT = '0123456789abcdef01234567';

/**
 * Two CalDAV sources that write bookings back (failing: the test server speaks no CalDAV), each
 * with a pending write-back job of EVENT; the worker does not run meanwhile.
 */
async function writeBackSources(): Promise<[string, string]> {
  await sys.close();
  sys = await syncSystem({ writeBack: { pollMs: 3_600_000 } });
  const ids: string[] = [];
  for (const path of ['/dav/work/', '/dav/other/']) {
    const res = await sys.create({ kind: 'caldav', url: feeds.url(path), write_bookings: true });
    expect(res.statusCode).toBe(201);
    ids.push(res.json<BusySourceResponse>().id);
  }
  for (const sourceId of ids) {
    await sys.outbound.recordWrite({ sourceId, calendarId: CAL, eventId: EVENT, version: 1 }, new Date());
    expect(await sys.outbound.findWriteJob(sourceId, EVENT)).toMatchObject({ state: 'pending' });
  }
  return [ids[0]!, ids[1]!];
}
