/**
 * syncCalDav against answers Radicale does not give: a truncated sync-collection (507), a server
 * without the report, a bare 409 for an old token, a sync answer without its token, a server error.
 */
import { outboundClient, type OutboundClient } from '@slotkeeper/outbound-http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { syncCalDav } from '../src/index.js';
import { failureOf } from './events.js';
import { davServer, type Answer, type DavServer } from './local-server.js';

const WINDOW = { start: new Date('2026-12-01T00:00:00Z'), end: new Date('2026-12-31T00:00:00Z') };
const PATH = '/calendars/alice/work/';
const PRIOR = { ctag: 'old', syncToken: 'token-1' };

const propfind = (ctag: string, token: string) =>
  '<d:multistatus xmlns:d="DAV:" xmlns:cs="http://calendarserver.org/ns/" xmlns:c="urn:ietf:params:xml:ns:caldav">' +
  `<d:response><d:href>${PATH}</d:href><d:propstat><d:prop><d:resourcetype><d:collection/><c:calendar/></d:resourcetype>` +
  `<cs:getctag>${ctag}</cs:getctag><d:sync-token>${token}</d:sync-token></d:prop>` +
  '<d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response></d:multistatus>';

const changed = (name: string, etag: string) =>
  `<d:response><d:href>${PATH}${name}</d:href><d:propstat><d:prop><d:getetag>"${etag}"</d:getetag></d:prop>` +
  '<d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response>';
const removed = (name: string) =>
  `<d:response><d:href>${PATH}${name}</d:href><d:status>HTTP/1.1 404 Not Found</d:status></d:response>`;
const truncated = `<d:response><d:href>${PATH}</d:href><d:status>HTTP/1.1 507 Insufficient Storage</d:status></d:response>`;
const syncAnswer = (token: string | null, ...responses: string[]) =>
  `<d:multistatus xmlns:d="DAV:">${responses.join('')}${token === null ? '' : `<d:sync-token>${token}</d:sync-token>`}</d:multistatus>`;

const object = (name: string, etag: string) =>
  `<d:response><d:href>${PATH}${name}</d:href><d:propstat><d:prop><d:getetag>"${etag}"</d:getetag>` +
  `<c:calendar-data>BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:${name}\nEND:VEVENT\nEND:VCALENDAR</c:calendar-data>` +
  '</d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response>';
const objects = (...responses: string[]) =>
  `<d:multistatus xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav">${responses.join('')}</d:multistatus>`;

describe('syncCalDav against answers shaped like other servers’', () => {
  let server: DavServer;
  let client: OutboundClient;
  /** The answers to sync-collection REPORTs, in turn; multiget and calendar-query answer `objects`. */
  let syncs: Answer[];
  let multiget: Answer;
  let query: Answer;

  beforeAll(async () => {
    server = await davServer((method, body) =>
      method === 'PROPFIND'
        ? { status: 207, body: propfind('new', 'token-9') }
        : body.includes('sync-collection')
          ? (syncs.shift() ?? { status: 500, body: '' })
          : body.includes('calendar-multiget')
            ? multiget
            : query,
    );
    client = outboundClient({ allowPrivate: true });
  });
  afterEach(() => server.reset());
  afterAll(async () => {
    await client?.close();
    await server?.close();
  });

  const sync = () => syncCalDav(client, `${server.url}${PATH}`, null, PRIOR, WINDOW);
  const kinds = () =>
    server.bodies.map((body, n) => `${server.requests[n]?.method} ${/<\w+:([a-z-]+)/.exec(body)?.[1] ?? ''}`.trim());

  it('follows a truncated answer (507 on the collection) from its token, and merges the rounds', async () => {
    syncs = [
      { status: 207, body: syncAnswer('token-2', changed('a.ics', '1'), changed('b.ics', '1'), truncated) },
      { status: 207, body: syncAnswer('token-3', removed('b.ics'), changed('c.ics', '2')) },
    ];
    multiget = { status: 207, body: objects(object('a.ics', '1'), object('c.ics', '2')) };

    const synced = await sync();

    expect(synced).toMatchObject({
      changed: true,
      incremental: true,
      upserts: [
        { href: `${PATH}a.ics`, etag: '"1"' },
        { href: `${PATH}c.ics`, etag: '"2"' },
      ],
      deletions: [`${PATH}b.ics`],
      prior: { ctag: 'new', syncToken: 'token-3' },
    });
    expect(kinds()).toEqual([
      'PROPFIND propfind',
      'REPORT sync-collection',
      'REPORT sync-collection',
      'REPORT calendar-multiget',
    ]);
    expect(server.bodies[1]).toContain('<D:sync-token>token-1</D:sync-token>');
    expect(server.bodies[2]).toContain('<D:sync-token>token-2</D:sync-token>');
    expect(server.requests[1]?.headers.depth).toBe('0');
    expect(server.requests[3]?.headers.depth).toBe('1');
  });

  it('takes a changed object the multiget no longer finds as removed', async () => {
    syncs = [{ status: 207, body: syncAnswer('token-2', changed('a.ics', '1'), changed('b.ics', '1')) }];
    multiget = { status: 207, body: objects(object('a.ics', '1'), removed('b.ics')) };

    expect(await sync()).toMatchObject({ upserts: [{ href: `${PATH}a.ics` }], deletions: [`${PATH}b.ics`] });
  });

  it.each([
    ['a server without the report (501)', { status: 501, body: '' }],
    ['a bare 409 for an old token', { status: 409, body: '' }],
    ['400', { status: 400, body: '' }],
    ['403 valid-sync-token', { status: 403, body: '<d:error xmlns:d="DAV:"><d:valid-sync-token/></d:error>' }],
    ['a 207 without its sync-token', { status: 207, body: syncAnswer(null, changed('a.ics', '1')) }],
  ])('reads whole after %s', async (_, answer) => {
    syncs = [answer];
    query = { status: 207, body: objects(object('a.ics', '1'), object('b.ics', '2')) };

    const synced = await sync();

    expect(synced).toMatchObject({
      changed: true,
      incremental: false,
      objects: [{ href: `${PATH}a.ics` }, { href: `${PATH}b.ics` }],
      prior: { ctag: 'new', syncToken: 'token-9' },
    });
    expect(kinds()).toEqual(['PROPFIND propfind', 'REPORT sync-collection', 'REPORT calendar-query']);
  });

  it('reports a 403 without the precondition as an auth error, and a 503 as an HTTP error, naming nothing of the path', async () => {
    syncs = [
      { status: 403, body: '<d:error xmlns:d="DAV:"><d:need-privileges/></d:error>' },
      { status: 503, body: 'hunter2' },
    ];
    const errors = [await failureOf(sync()), await failureOf(sync())];
    expect(errors).toMatchObject([
      { kind: 'auth', status: 403 },
      { kind: 'http', status: 503 },
    ]);
    for (const error of errors) expect(error.message).not.toMatch(/alice|calendars|hunter2|token-1/);
  });

  it('reports a failed multiget by its status', async () => {
    syncs = [{ status: 207, body: syncAnswer('token-2', changed('a.ics', '1')) }];
    multiget = { status: 502, body: '' };
    expect(await failureOf(sync())).toMatchObject({ kind: 'http', status: 502 });
  });
});
