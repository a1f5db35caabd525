/**
 * Incremental reads of a CalDAV collection against Radicale: what changed since the last
 * sync-token, fetched by calendar-multiget; the full calendar-query answer when there is no token
 * or the server refuses it. Every request counted through a wrapper around the real client.
 */
import { outboundClient, type OutboundClient, type OutboundRequest } from '@slotkeeper/outbound-http';
import { describeWithRadicale, startRadicale, type Radicale } from '@slotkeeper/testing/radicale';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import {
  deleteEvent,
  MULTIGET_BATCH,
  putEvent,
  syncCalDav,
  type CalDavObject,
  type CalDavSynced,
  type Prior,
  type SourceCredentials,
} from '../src/index.js';
import { eventIcs, failureOf, uidsOf } from './events.js';

const WINDOW = { start: new Date('2026-12-01T00:00:00Z'), end: new Date('2026-12-31T00:00:00Z') };

type Full = Extract<CalDavSynced, { incremental: false }>;
type Incremental = Extract<CalDavSynced, { incremental: true }>;

/** The requests a client sent: method, Depth and the REPORT's kind, read from its body. */
function counting(client: OutboundClient) {
  const sent: string[] = [];
  return {
    sent,
    client: {
      request: (url: string, request?: OutboundRequest) => {
        const body = typeof request?.body === 'string' ? request.body : '';
        const kind = /<\w+:(calendar-query|sync-collection|calendar-multiget)\b/.exec(body)?.[1];
        sent.push([request?.method ?? 'GET', kind].filter(Boolean).join(' '));
        return client.request(url, request);
      },
      close: () => client.close(),
    } satisfies OutboundClient,
  };
}

describeWithRadicale('syncCalDav against Radicale', () => {
  let radicale: Radicale;
  let real: OutboundClient;
  let alice: SourceCredentials;
  let counted: ReturnType<typeof counting>;

  beforeAll(async () => {
    radicale = await startRadicale();
    real = outboundClient({ allowPrivate: true });
    alice = { username: radicale.username, password: radicale.password };
  });
  beforeEach(() => {
    counted = counting(real);
  });
  afterAll(async () => {
    await real?.close();
    await radicale?.stop();
  });

  const sync = (collection: string, prior: Prior) => syncCalDav(counted.client, collection, alice, prior, WINDOW);
  const put = (collection: string, uid: string, start: string, end: string) =>
    putEvent(real, collection, alice, uid, eventIcs(uid, start, end));

  async function full(collection: string, prior: Prior = {}): Promise<Full> {
    const synced = await sync(collection, prior);
    if (!synced.changed || synced.incremental) throw new Error(`expected a full read, got ${JSON.stringify(synced)}`);
    return synced;
  }
  async function incremental(collection: string, prior: Prior): Promise<Incremental> {
    const synced = await sync(collection, prior);
    if (!synced.changed || !synced.incremental) throw new Error(`expected an incremental read, got ${synced.changed}`);
    return synced;
  }
  const hrefsOf = (objects: readonly CalDavObject[]) => objects.map((o) => o.href).sort();

  it('reads a collection whole the first time, keyed by href, with the sync-token to ask from next time', async () => {
    const collection = await radicale.collection('first');
    await put(collection, 'inside', '20261205T090000Z', '20261205T100000Z');
    await put(collection, 'in-march', '20270301T090000Z', '20270301T100000Z');

    const first = await full(collection);

    expect(first.objects).toEqual([
      {
        href: new URL('inside.ics', collection).pathname,
        etag: expect.stringMatching(/^".+"$/),
        text: expect.any(String),
      },
    ]);
    expect(uidsOf(first.objects.map((o) => o.text))).toEqual(['inside']);
    expect(first.prior.syncToken).toMatch(/^http:\/\/radicale\.org\/ns\/sync\//);
    expect(counted.sent).toEqual(['PROPFIND', 'REPORT calendar-query']);
  });

  it('after an add, a change and a delete, gives only those: two objects by multiget and one href removed', async () => {
    const collection = await radicale.collection('changes');
    await put(collection, 'kept', '20261203T090000Z', '20261203T100000Z');
    await put(collection, 'moved', '20261204T090000Z', '20261204T100000Z');
    await put(collection, 'dropped', '20261205T090000Z', '20261205T100000Z');
    const first = await full(collection);
    const etagOf = (uid: string) => first.objects.find((o) => o.text.includes(`UID:${uid}`))?.etag;

    await put(collection, 'added', '20261206T090000Z', '20261206T100000Z');
    await put(collection, 'moved', '20261204T140000Z', '20261204T150000Z');
    await deleteEvent(real, collection, alice, 'dropped');
    counted.sent.length = 0;
    const next = await incremental(collection, first.prior);

    const path = (uid: string) => new URL(`${uid}.ics`, collection).pathname;
    expect(hrefsOf(next.upserts)).toEqual([path('added'), path('moved')]);
    const moved = next.upserts.find((o) => o.href === path('moved'));
    expect(moved?.text).toContain('DTSTART:20261204T140000Z');
    expect(moved?.etag).toEqual(expect.any(String));
    expect(moved?.etag).not.toBe(etagOf('moved'));
    expect(next.deletions).toEqual([path('dropped')]);
    expect(next.prior.syncToken).not.toBe(first.prior.syncToken);
    expect(next.prior.ctag).not.toBe(first.prior.ctag);
    expect(counted.sent).toEqual(['PROPFIND', 'REPORT sync-collection', 'REPORT calendar-multiget']);

    // Nothing since: unchanged after one PROPFIND.
    counted.sent.length = 0;
    expect(await sync(collection, next.prior)).toEqual({ changed: false });
    expect(counted.sent).toEqual(['PROPFIND']);
  });

  it('gives a removal alone without a multiget, and an object outside the window too (the caller clips)', async () => {
    const collection = await radicale.collection('removal');
    await put(collection, 'one', '20261203T090000Z', '20261203T100000Z');
    const first = await full(collection);

    await deleteEvent(real, collection, alice, 'one');
    await put(collection, 'next-year', '20271203T090000Z', '20271203T100000Z');
    counted.sent.length = 0;
    const next = await incremental(collection, first.prior);

    expect(next.deletions).toEqual([new URL('one.ics', collection).pathname]);
    expect(uidsOf(next.upserts.map((o) => o.text))).toEqual(['next-year']);

    await deleteEvent(real, collection, alice, 'next-year');
    counted.sent.length = 0;
    const last = await incremental(collection, next.prior);
    expect(last).toMatchObject({ upserts: [], deletions: [new URL('next-year.ics', collection).pathname] });
    expect(counted.sent).toEqual(['PROPFIND', 'REPORT sync-collection']);
  });

  it(`fetches many changes in multigets of ${MULTIGET_BATCH}`, async () => {
    const collection = await radicale.collection('many');
    const first = await full(collection);
    const uids = Array.from({ length: MULTIGET_BATCH + 5 }, (_, n) => `many-${n}`);
    for (const uid of uids) await put(collection, uid, '20261210T090000Z', '20261210T093000Z');

    counted.sent.length = 0;
    const next = await incremental(collection, first.prior);

    expect(uidsOf(next.upserts.map((o) => o.text))).toEqual([...uids].sort());
    expect(counted.sent).toEqual([
      'PROPFIND',
      'REPORT sync-collection',
      'REPORT calendar-multiget',
      'REPORT calendar-multiget',
    ]);
  });

  it('falls back to the full read when Radicale refuses the token (403 valid-sync-token)', async () => {
    const collection = await radicale.collection('bogus-token');
    await put(collection, 'one', '20261203T090000Z', '20261203T100000Z');
    const first = await full(collection);
    const bogus: Prior = { ...first.prior, syncToken: 'http://radicale.org/ns/sync/bogus' };

    counted.sent.length = 0;
    const again = await full(collection, bogus);

    expect(uidsOf(again.objects.map((o) => o.text))).toEqual(['one']);
    expect(again.prior).toEqual(first.prior);
    expect(counted.sent).toEqual(['PROPFIND', 'REPORT sync-collection', 'REPORT calendar-query']);
  });

  it('keeps a UID that needs escaping in one href, the same in a full and an incremental read', async () => {
    const uid = 'booking 42 at 9?am#1&co@slotkeeper';
    const collection = await radicale.collection('odd-hrefs');
    await put(collection, uid, '20261210T090000Z', '20261210T100000Z');
    const first = await full(collection);

    await put(collection, uid, '20261210T110000Z', '20261210T120000Z');
    const next = await incremental(collection, first.prior);
    await deleteEvent(real, collection, alice, uid);
    const last = await incremental(collection, next.prior);

    expect(hrefsOf(next.upserts)).toEqual(hrefsOf(first.objects));
    expect(last.deletions).toEqual(hrefsOf(first.objects));
  });

  it('reports a wrong password on an incremental read as an auth error', async () => {
    const collection = await radicale.collection('auth');
    const first = await full(collection);
    const error = await failureOf(
      syncCalDav(real, collection, { ...alice, password: 'wrong-pw-5' }, first.prior, WINDOW),
    );
    expect(error).toMatchObject({ kind: 'auth', status: 401 });
    expect(error.message).not.toMatch(/wrong-pw-5|alice|auth\//);
  });
});
