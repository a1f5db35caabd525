/**
 * Incremental CalDAV sync against Radicale: after the first (full) read, a change to a collection
 * costs the objects that changed, not the collection. Every request the sync service sends is
 * counted through a wrapper around its real client: kind, bytes answered, objects received (each
 * received object is expanded; nothing else is).
 */
import type { BusySourceResponse } from '@slotkeeper/contracts';
import { putEvent, deleteEvent } from '@slotkeeper/caldav';
import { type OutboundClient, type OutboundRequest } from '@slotkeeper/outbound-http';
import { describeWithRadicale, startRadicale, type Radicale } from '@slotkeeper/testing/radicale';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it, vi } from 'vitest';
import { syncOutboundClient } from '../src/adapters/outbound-client.js';
import { CAL, ics, syncSystem, tomorrowAt, type SyncSystem } from './sync-system.js';

const DAY = 86_400_000;
const OBJECTS = 200;

interface Sent {
  kind: string;
  bytes: number;
  /** Calendar objects in the answer. */
  objects: number;
}

/** The sync service's client, with every request it sends recorded. */
function countingClient() {
  const real = syncOutboundClient(true);
  const sent: Sent[] = [];
  const client: OutboundClient = {
    async request(url: string, request?: OutboundRequest) {
      const body = typeof request?.body === 'string' ? request.body : '';
      const report = /<\w+:(calendar-query|sync-collection|calendar-multiget)\b/.exec(body)?.[1];
      const response = await real.request(url, request);
      sent.push({
        kind: [request?.method ?? 'GET', report].filter(Boolean).join(' '),
        bytes: Buffer.byteLength(response.body),
        objects: response.body.match(/BEGIN:VCALENDAR/g)?.length ?? 0,
      });
      return response;
    },
    close: () => real.close(),
  };
  return { client, sent };
}

/**
 * What a stretch of syncs cost beyond their PROPFINDs (one per sync, changed or not): the reports
 * by kind, the bytes they answered, the objects they carried.
 */
const costOf = (sent: readonly Sent[]) => {
  const reports = sent.filter((s) => s.kind.startsWith('REPORT'));
  return {
    reports: reports.map((s) => s.kind),
    bytes: reports.reduce((sum, s) => sum + s.bytes, 0),
    objects: reports.reduce((sum, s) => sum + s.objects, 0),
  };
};

/** One hour on the `day`-th day from tomorrow, at `hour` UTC. */
const slot = (day: number, hour = 9): [number, number] => [
  tomorrowAt(hour) + day * DAY,
  tomorrowAt(hour + 1) + day * DAY,
];

describeWithRadicale('incremental CalDAV sync on Radicale', () => {
  let radicale: Radicale;
  let counting: ReturnType<typeof countingClient>;
  let sys: SyncSystem;
  let writer: OutboundClient;
  let collection: string;
  const credentials = () => ({ username: radicale.username, password: radicale.password });
  /** PUTs `name.ics` with the UID `name`: Radicale refuses (409) an object whose UID changes. */
  const put = (name: string, body: string) =>
    putEvent(writer, collection, credentials(), name, body.replace(/^UID:.*$/m, `UID:${name}\r`));

  beforeAll(async () => {
    radicale = await startRadicale();
    writer = syncOutboundClient(true);
  });
  afterAll(async () => {
    await writer?.close();
    await radicale?.stop();
  });
  beforeEach(async () => {
    counting = countingClient();
    sys = await syncSystem({ syncIntervalMs: 100, pollMs: 20, client: counting.client });
    collection = await radicale.collection(`incremental-${Date.now()}`);
  });
  afterEach(async () => {
    await sys.close();
    await counting.client.close();
  });

  const addSource = async () =>
    (await sys.create({ kind: 'caldav', url: collection, ...credentials() })).json<BusySourceResponse>();
  const published = (id: string) => sys.booking.of(id);
  /** Waits for the version after `version`, and gives what its syncs cost. */
  async function nextVersion(id: string, version: number) {
    await vi.waitFor(() => expect(published(id)?.version).toBe(version + 1), { timeout: 10_000 });
    return costOf(counting.sent.splice(0));
  }
  /** A second source on the same collection, read whole from scratch: the busy set a full read gives. */
  async function fullRead() {
    counting.sent.length = 0;
    const { id } = await addSource();
    await vi.waitFor(() => expect(published(id)?.version).toBe(1), { timeout: 10_000 });
    return { busy: published(id)!.busy, cost: costOf(counting.sent.splice(0)) };
  }

  it(`when one object of ${OBJECTS} is edited, then the sync fetches and expands that object only, and publishes what a full read would`, async () => {
    for (let n = 0; n < OBJECTS; n++) await put(`object-${n}`, ics(slot(n)));
    const source = await addSource();
    expect(source.status).toBe('ok');
    const first = costOf(counting.sent.splice(0));
    expect(first).toMatchObject({ reports: ['REPORT calendar-query'], objects: OBJECTS });
    expect(published(source.id)?.busy).toHaveLength(OBJECTS);

    await put('object-17', ics(slot(17, 14)));
    const edit = await nextVersion(source.id, 1);

    expect(edit.reports).toEqual(['REPORT sync-collection', 'REPORT calendar-multiget']);
    expect(edit.objects).toBe(1);
    const whole = await fullRead();
    expect(published(source.id)?.busy).toEqual(whole.busy);
    expect(whole.cost).toMatchObject({ reports: ['REPORT calendar-query'], objects: OBJECTS });
    expect(edit.bytes * 20).toBeLessThan(whole.cost.bytes);
    expect(await sys.sources.objectsOf(source.id)).toHaveLength(OBJECTS);
    console.info(
      `[figures] one edit in ${OBJECTS} objects: incremental ${JSON.stringify(edit)}; a full read ${JSON.stringify(whole.cost)}`,
    );
  });

  it('when objects are added, removed, and a series with an override and our own copy change, then each sync publishes what a full read would', async () => {
    for (let n = 0; n < 5; n++) await put(`object-${n}`, ics(slot(n)));
    const weekly = (hour: number, moved: number) =>
      [
        'BEGIN:VCALENDAR',
        'VERSION:2.0',
        'PRODID:-//Slotkeeper tests//EN',
        'BEGIN:VEVENT',
        'UID:weekly',
        'DTSTAMP:20260101T000000Z',
        `DTSTART:${stamp(slot(0, hour)[0])}`,
        'DURATION:PT1H',
        'RRULE:FREQ=WEEKLY;COUNT=6',
        'END:VEVENT',
        'BEGIN:VEVENT',
        'UID:weekly',
        'DTSTAMP:20260101T000000Z',
        `RECURRENCE-ID:${stamp(slot(7, hour)[0])}`,
        `DTSTART:${stamp(slot(8, moved)[0])}`,
        'DURATION:PT1H',
        'END:VEVENT',
        'END:VCALENDAR',
        '',
      ].join('\r\n');
    await put('weekly', weekly(12, 16));
    const source = await addSource();
    counting.sent.length = 0;
    let version = 1;
    const full = async () => {
      const { id } = (
        await sys.create({ kind: 'caldav', url: collection, ...credentials() })
      ).json<BusySourceResponse>();
      await vi.waitFor(() => expect(published(id)?.version).toBe(1), { timeout: 10_000 });
      const busy = published(id)!.busy;
      await sys.remove(id);
      return busy;
    };

    const steps: Array<[string, () => Promise<unknown>]> = [
      ['added', () => put('added', ics(slot(30)))],
      ['removed', () => deleteEvent(writer, collection, credentials(), 'object-2')],
      ['series moved, override moved', () => put('weekly', weekly(13, 18))],
      // Our own write-back copy: not busy time, so the set stays and nothing is published.
      [
        'ours',
        // Named, and so with the UID, of one of our event ids, as write-back writes it.
        () =>
          put(
            '0123456789abcdef01234567',
            ics(slot(3, 15)).replace('SUMMARY:Busy', `SUMMARY:Booked\r\nX-SLOTKEEPER-CALENDAR:${CAL}`),
          ),
      ],
      ['moved out of the window', () => put('object-4', ics(slot(400)))],
    ];
    for (const [name, step] of steps) {
      await step();
      let cost: ReturnType<typeof costOf>;
      if (name === 'ours') {
        await vi.waitFor(() => expect(counting.sent.map((s) => s.kind)).toContain('REPORT calendar-multiget'));
        cost = costOf(counting.sent.splice(0));
        expect(published(source.id)?.version).toBe(version);
      } else {
        cost = await nextVersion(source.id, version++);
      }
      expect(cost.reports, name).not.toContain('REPORT calendar-query');
      expect(published(source.id)?.busy, name).toEqual(await full());
      counting.sent.length = 0;
    }
    // Only objects that add busy time are kept: not ours, not the one moved out of the window.
    expect((await sys.sources.objectsOf(source.id)).map((o) => o.href.split('/').pop()).sort()).toEqual([
      'added.ics',
      'object-0.ics',
      'object-1.ics',
      'object-3.ics',
      'weekly.ics',
    ]);
  });

  it('when the owner’s zone changes, then the next sync reads the collection whole and replaces the objects', async () => {
    for (let n = 0; n < 3; n++) await put(`object-${n}`, ics(slot(n)));
    // Floating: read in the owner's zone, so the zone moves it.
    await put('floating', ics(slot(5)).replace(/(DTSTART|DTEND):(\d{8}T\d{6})Z/g, '$1:$2'));
    const source = await addSource();
    const before = published(source.id)!.busy;
    counting.sent.length = 0;

    sys.calendar.state.zones.set(CAL, 'America/New_York');
    const cost = await nextVersion(source.id, 1);

    expect(cost.reports).toEqual(['REPORT calendar-query']);
    expect(published(source.id)!.busy).not.toEqual(before);
    expect(published(source.id)!.busy).toEqual((await fullRead()).busy);
  });
});

const stamp = (ms: number) =>
  new Date(ms)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
