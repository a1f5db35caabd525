import net, { type AddressInfo } from 'node:net';
import { outboundClient, type OutboundClient } from '@slotkeeper/outbound-http';
import { describeWithRadicale, startRadicale, type Radicale } from '@slotkeeper/testing/radicale';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchIcs, putEvent, SourceError } from '../src/index.js';
import { eventIcs, failureOf, uidsOf } from './events.js';
import { localServer, type LocalServer } from './local-server.js';

const FEED = eventIcs('feed-1', '20261203T090000Z', '20261203T100000Z');
const LAST_MODIFIED = 'Mon, 30 Nov 2026 10:00:00 GMT';
/** Where private ICS URLs keep their secret, and so what no message may repeat. */
const SECRET_PATH = '/private/token-7f3a9c/basic.ics?key=k-55e1';

describe('fetchIcs against a feed that honours conditional requests', () => {
  let feed: LocalServer;
  let client: OutboundClient;

  beforeAll(async () => {
    feed = await localServer((request, response) => {
      if (request.url?.startsWith('/missing')) return void response.writeHead(404).end('no such feed');
      if (request.url?.startsWith('/broken')) return void response.writeHead(500).end('stack trace with secrets');
      if (request.url?.startsWith('/moved')) return void response.writeHead(302, { location: '/elsewhere' }).end();
      if (request.headers['if-none-match'] === '"v1"') return void response.writeHead(304).end();
      response.writeHead(200, { 'content-type': 'text/calendar', etag: '"v1"', 'last-modified': LAST_MODIFIED });
      response.end(FEED);
    });
    client = outboundClient({ allowPrivate: true });
  });
  afterAll(async () => {
    await client?.close();
    await feed?.close();
  });

  it('gives the body and the validators, then unchanged on a 304 to the conditional request', async () => {
    const credentials = { username: 'alice', password: 'pässword:1' };

    const first = await fetchIcs(client, `${feed.url}/calendar.ics`, credentials, {});
    const second = await fetchIcs(client, `${feed.url}/calendar.ics`, credentials, first.changed ? first.prior : {});

    expect(first).toEqual({ changed: true, texts: [FEED], prior: { etag: '"v1"', lastModified: LAST_MODIFIED } });
    expect(second).toEqual({ changed: false });
    const [plain, conditional] = feed.requests.slice(-2);
    expect(plain?.headers.accept).toMatch(/^text\/calendar\b/);
    expect(plain?.headers.authorization).toBe(`Basic ${Buffer.from('alice:pässword:1').toString('base64')}`);
    expect(plain?.headers['if-none-match']).toBeUndefined();
    expect(conditional?.headers).toMatchObject({ 'if-none-match': '"v1"', 'if-modified-since': LAST_MODIFIED });
  });

  it('sends no Authorization header for a source without credentials', async () => {
    await fetchIcs(client, `${feed.url}/open.ics`, null, {});

    expect(feed.requests.at(-1)?.headers.authorization).toBeUndefined();
  });

  it('maps a 404, a 500 and an unfollowed redirect to errors that name the status, never the path or the body', async () => {
    const errors = await Promise.all(
      ['/missing', '/broken', '/moved'].map((prefix) =>
        failureOf(fetchIcs(client, `${feed.url}${prefix}${SECRET_PATH}`, { username: 'a', password: 'pw-123' }, {})),
      ),
    );

    expect(errors.map((e) => [e.kind, e.status])).toEqual([
      ['not_found', 404],
      ['http', 500],
      ['http', 302],
    ]);
    for (const error of errors) {
      expect(error).toBeInstanceOf(SourceError);
      expect(error.message).toContain(String(error.status));
      for (const secret of ['token-7f3a9c', 'k-55e1', 'pw-123', 'stack trace', 'private']) {
        expect(error.message).not.toContain(secret);
      }
    }
  });

  it('fetches a webcal: URL over https', async () => {
    // A raw listener sees what the client opens with: a TLS ClientHello starts with 0x16.
    const firstBytes: number[] = [];
    const raw = net.createServer((socket) => {
      socket.once('data', (chunk: Buffer) => {
        firstBytes.push(chunk[0] ?? -1);
        socket.destroy();
      });
    });
    await new Promise<void>((resolve) => raw.listen(0, '127.0.0.1', resolve));
    const { port } = raw.address() as AddressInfo;
    try {
      const error = await failureOf(fetchIcs(client, `webcal://127.0.0.1:${port}${SECRET_PATH}`, null, {}));

      expect(error).toMatchObject({ kind: 'network' });
      expect(firstBytes).toEqual([0x16]);
    } finally {
      await new Promise<void>((resolve) => raw.close(() => resolve()));
    }
  });
});

describeWithRadicale('fetchIcs of a Radicale collection (served as one iCalendar)', () => {
  let radicale: Radicale;
  let client: OutboundClient;

  beforeAll(async () => {
    radicale = await startRadicale();
    client = outboundClient({ allowPrivate: true });
  });
  afterAll(async () => {
    await client?.close();
    await radicale?.stop();
  });

  it('gives every event of the collection in one text, with the ETag and Last-Modified', async () => {
    const alice = { username: radicale.username, password: radicale.password };
    const collection = await radicale.collection('as-feed');
    await putEvent(client, collection, alice, 'a', eventIcs('a', '20261203T090000Z', '20261203T100000Z'));
    await putEvent(client, collection, alice, 'b', eventIcs('b', '20270503T090000Z', '20270503T100000Z'));

    const fetched = await fetchIcs(client, collection, alice, {});

    if (!fetched.changed) throw new Error('the first fetch must give the feed');
    expect(fetched.texts).toHaveLength(1);
    expect(uidsOf(fetched.texts)).toEqual(['a', 'b']);
    expect(fetched.prior).toEqual({ etag: expect.stringMatching(/^".+"$/), lastModified: expect.any(String) });
    // Radicale ignores If-None-Match on GET: the same ETag comes back with a 200, which is parsed again.
    const again = await fetchIcs(client, collection, alice, fetched.prior);
    expect(again).toMatchObject({ changed: true, prior: { etag: fetched.prior.etag } });
  });

  it('reports a wrong password as an auth error naming neither password nor path', async () => {
    const collection = await radicale.collection('feed-secret-name');

    const error = await failureOf(
      fetchIcs(client, collection, { username: radicale.username, password: 'wrong-pw-9' }, {}),
    );

    expect(error).toMatchObject({ kind: 'auth', status: 401 });
    for (const secret of ['wrong-pw-9', radicale.password, 'feed-secret-name', '/alice'])
      expect(error.message).not.toContain(secret);
  });
});
