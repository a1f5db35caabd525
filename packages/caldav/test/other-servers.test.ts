import { outboundClient, type OutboundClient } from '@slotkeeper/outbound-http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { fetchCalDav } from '../src/index.js';
import { failureOf } from './events.js';
import { davServer, type Answer, type DavServer } from './local-server.js';

const WINDOW = { start: new Date('2026-12-01T00:00:00Z'), end: new Date('2026-12-31T00:00:00Z') };

/**
 * Answers in the shapes other servers use (SabreDAV-like lowercase prefixes, a default namespace,
 * a numeric ctag, CRs written as `&#13;`, CDATA, 404 propstats): Radicale shows only one style.
 */
const PROPFIND_SABRE =
  '<?xml version="1.0" encoding="utf-8"?>' +
  '<multistatus xmlns="DAV:" xmlns:cs="http://calendarserver.org/ns/" xmlns:cal="urn:ietf:params:xml:ns:caldav">' +
  '<response><href>/calendars/alice/work/</href>' +
  '<propstat><prop><resourcetype><collection/><cal:calendar/></resourcetype><cs:getctag>12345</cs:getctag></prop>' +
  '<status>HTTP/1.1 200 OK</status></propstat>' +
  '<propstat><prop><sync-token/></prop><status>HTTP/1.1 404 Not Found</status></propstat>' +
  '</response></multistatus>';

const REPORT_SABRE =
  '<?xml version="1.0" encoding="utf-8"?>' +
  '<d:multistatus xmlns:d="DAV:" xmlns:cal="urn:ietf:params:xml:ns:caldav">' +
  '<d:response><d:href>/calendars/alice/work/one.ics</d:href><d:propstat><d:prop><d:getetag>"1"</d:getetag>' +
  '<cal:calendar-data>BEGIN:VCALENDAR&#13;\nBEGIN:VEVENT&#13;\nUID:one&#13;\nSUMMARY:Tom &amp; Jerry&#13;\nEND:VEVENT&#13;\nEND:VCALENDAR&#13;\n</cal:calendar-data>' +
  '</d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response>' +
  '<d:response><d:href>/calendars/alice/work/two.ics</d:href><d:propstat><d:prop>' +
  '<cal:calendar-data><![CDATA[BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:two\nEND:VEVENT\nEND:VCALENDAR]]></cal:calendar-data>' +
  '</d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response>' +
  '<d:response><d:href>/calendars/alice/work/hidden.ics</d:href><d:propstat><d:prop><cal:calendar-data/></d:prop>' +
  '<d:status>HTTP/1.1 403 Forbidden</d:status></d:propstat></d:response>' +
  '<d:response><d:href>/calendars/alice/work/gone.ics</d:href><d:status>HTTP/1.1 404 Not Found</d:status></d:response>' +
  '</d:multistatus>';

describe('fetchCalDav against answers shaped like other servers’', () => {
  let server: DavServer;
  let client: OutboundClient;
  let answers: { propfind: Answer; report: Answer };

  beforeAll(async () => {
    server = await davServer((method) => (method === 'PROPFIND' ? answers.propfind : answers.report));
    client = outboundClient({ allowPrivate: true });
  });
  afterEach(() => server.reset());
  afterAll(async () => {
    await client?.close();
    await server?.close();
  });

  it('reads prefixes of any spelling, keeps a numeric ctag a string, decodes &#13; and CDATA, and skips what is not found', async () => {
    answers = { propfind: { status: 207, body: PROPFIND_SABRE }, report: { status: 207, body: REPORT_SABRE } };

    const fetched = await fetchCalDav(client, `${server.url}/calendars/alice/work/`, null, {}, WINDOW);

    expect(fetched).toEqual({
      changed: true,
      texts: [
        'BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:one\r\nSUMMARY:Tom & Jerry\r\nEND:VEVENT\r\nEND:VCALENDAR',
        'BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:two\nEND:VEVENT\nEND:VCALENDAR',
      ],
      prior: { ctag: '12345', syncToken: null },
    });
  });

  it('asks with Depth 0 for the tags, then Depth 1 for the objects in the window widened by a day', async () => {
    answers = { propfind: { status: 207, body: PROPFIND_SABRE }, report: { status: 207, body: REPORT_SABRE } };

    await fetchCalDav(client, `${server.url}/calendars/alice/work/`, null, {}, WINDOW);

    expect(server.requests.map((r) => [r.method, r.headers.depth])).toEqual([
      ['PROPFIND', '0'],
      ['REPORT', '1'],
    ]);
    expect(server.bodies[0]).toContain('getctag');
    expect(server.bodies[0]).toContain('sync-token');
    expect(server.bodies[1]).toContain('<C:time-range start="20261130T000000Z" end="20270101T000000Z"/>');
  });

  it('trusts an unchanged ctag when the server has no sync-token, and never says unchanged when it has neither', async () => {
    answers = { propfind: { status: 207, body: PROPFIND_SABRE }, report: { status: 207, body: REPORT_SABRE } };
    expect(await fetchCalDav(client, `${server.url}/c/`, null, { ctag: '12345', syncToken: null }, WINDOW)).toEqual({
      changed: false,
    });

    answers.propfind.body = PROPFIND_SABRE.replace('<cs:getctag>12345</cs:getctag>', '');
    const tagless = await fetchCalDav(client, `${server.url}/c/`, null, { ctag: null, syncToken: null }, WINDOW);
    expect(tagless).toMatchObject({ changed: true, prior: { ctag: null, syncToken: null } });
  });

  it('reports an address that answers, but not as a CalDAV calendar, as not_calendar', async () => {
    const cases: { propfind: Answer; report: Answer }[] = [
      { propfind: { status: 200, body: '<html>a web page</html>' }, report: { status: 500, body: '' } },
      { propfind: { status: 405, body: 'Method Not Allowed' }, report: { status: 500, body: '' } },
      { propfind: { status: 207, body: 'not xml' }, report: { status: 500, body: '' } },
      { propfind: { status: 207, body: PROPFIND_SABRE }, report: { status: 207, body: '<html>oops</html>' } },
    ];
    const kinds: string[] = [];
    for (const next of cases) {
      answers = next;
      kinds.push((await failureOf(fetchCalDav(client, `${server.url}/c/`, null, {}, WINDOW))).kind);
    }

    expect(kinds).toEqual(['not_calendar', 'not_calendar', 'not_calendar', 'not_calendar']);
  });

  it('reports a server error on the query with its status and nothing of the body', async () => {
    answers = {
      propfind: { status: 207, body: PROPFIND_SABRE },
      report: { status: 503, body: 'internal detail: db password hunter2' },
    };

    const error = await failureOf(fetchCalDav(client, `${server.url}/calendars/alice/work/`, null, {}, WINDOW));

    expect(error).toMatchObject({ kind: 'http', status: 503 });
    expect(error.message).toContain('503');
    expect(error.message).not.toMatch(/hunter2|alice|calendars/);
  });
});
