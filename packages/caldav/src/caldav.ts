/**
 * CalDAV as five plain requests through our OutboundClient, not tsdav. tsdav's functions want a
 * `fetch` and return raw Responses or throw `Error('Collection query failed: 401 …')`, so every
 * status and failure would have to be recovered from its strings to give the owner a precise
 * SourceError; its object listing takes two requests (query, then multiget) and drops hrefs
 * without ".ics" unless told; its XML layer turns numeric ETags into numbers. What we need is
 * one PROPFIND, one calendar-query REPORT, PUT and DELETE (and, for incremental reads in
 * `caldav-sync.ts`, sync-collection and calendar-multiget): the request bodies are fixed strings
 * (verified against Radicale, docs/research/busy-sources.md §2) and the answers are read with
 * fast-xml-parser. Every byte still goes through the SSRF-safe client (addresses checked at
 * connect, one deadline, a size cap).
 */
import type { OutboundClient } from '@slotkeeper/outbound-http';
import type { CalDavObject, Fetched, Prior } from './fetched.js';
import { foundProps, parseMultistatus, text, type DavResponse } from './multistatus.js';
import { collectionUrl, hrefKey, send, type Sent, type SourceCredentials } from './request.js';
import { SourceError, statusError } from './source-error.js';

const XML = 'application/xml; charset=utf-8';
const DAY_MS = 24 * 60 * 60 * 1000;

const PROPFIND_CHANGE =
  '<?xml version="1.0" encoding="utf-8"?>' +
  '<D:propfind xmlns:D="DAV:" xmlns:CS="http://calendarserver.org/ns/">' +
  '<D:prop><D:resourcetype/><CS:getctag/><D:sync-token/></D:prop></D:propfind>';

const calendarQuery = (start: string, end: string) =>
  '<?xml version="1.0" encoding="utf-8"?>' +
  '<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">' +
  '<D:prop><D:getetag/><C:calendar-data/></D:prop>' +
  '<C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT">' +
  `<C:time-range start="${start}" end="${end}"/>` +
  '</C:comp-filter></C:comp-filter></C:filter></C:calendar-query>';

/**
 * A CalDAV collection's events overlapping `window`, unless its ctag and sync-token are as the last
 * fetch saw them (`changedCollection`). `syncCalDav` reads the same collection incrementally,
 * object by object.
 */
export async function fetchCalDav(
  client: OutboundClient,
  url: string,
  credentials: SourceCredentials | null,
  prior: Prior,
  window: { start: Date; end: Date },
): Promise<Fetched> {
  const changed = await changedCollection(client, url, credentials, prior);
  if (changed === null) return { changed: false };
  const objects = await queryObjects(client, changed.collection, credentials, window);
  return { changed: true, texts: objects.map((o) => o.text), prior: changed.tags };
}

export interface ChangeTags {
  ctag: string | null;
  syncToken: string | null;
}

/**
 * The collection and its ctag and sync-token; null when both are as `prior` saw them (unchanged,
 * nothing more to ask). The tags are read before the objects, so a change made between the two
 * requests shows as a new ctag on the next read rather than being missed.
 */
export async function changedCollection(
  client: OutboundClient,
  url: string,
  credentials: SourceCredentials | null,
  prior: Prior,
): Promise<{ collection: URL; tags: ChangeTags } | null> {
  const collection = collectionUrl(url);
  const tags = await changeTags(client, collection, credentials);
  return unchangedSince(prior, tags) ? null : { collection, tags };
}

/** Both tags as `prior` saw them. A server with neither cannot tell us "unchanged": never. */
const unchangedSince = (prior: Prior, { ctag, syncToken }: ChangeTags): boolean =>
  (ctag !== null || syncToken !== null) && ctag === (prior.ctag ?? null) && syncToken === (prior.syncToken ?? null);

/** Every object overlapping `window` (calendar-query REPORT), with its href and ETag. */
export async function queryObjects(
  client: OutboundClient,
  collection: URL,
  credentials: SourceCredentials | null,
  window: { start: Date; end: Date },
): Promise<CalDavObject[]> {
  // A day wider on each side: servers place floating times and unknown TZIDs differently; our own
  // expansion clips to the exact window.
  const start = utcStamp(new Date(window.start.getTime() - DAY_MS));
  const end = utcStamp(new Date(window.end.getTime() + DAY_MS));
  const responses = await report(client, collection, credentials, calendarQuery(start, end));
  // Keyed by href: a server that lists one twice gives it once.
  const objects = new Map<string, CalDavObject>();
  for (const r of responses) {
    const object = objectOf(r, collection);
    if (object) objects.set(object.href, object);
  }
  return [...objects.values()];
}

/** A REPORT of the collection's members (Depth 1): the responses of its multistatus answer. */
export async function report(
  client: OutboundClient,
  collection: URL,
  credentials: SourceCredentials | null,
  body: string,
): Promise<DavResponse[]> {
  const { response, what } = await sendXml(client, 'REPORT', collection, credentials, '1', body);
  if (response.statusCode !== 207) throw statusError(what, response.statusCode);
  const responses = parseMultistatus(response.body);
  if (responses === null) throw notCalendar(what, response.statusCode);
  return responses;
}

/** A WebDAV request with an XML body (PROPFIND, REPORT) at `depth`. */
export const sendXml = (
  client: OutboundClient,
  method: 'PROPFIND' | 'REPORT',
  url: URL,
  credentials: SourceCredentials | null,
  depth: '0' | '1',
  body: string,
): Promise<Sent> => send(client, method, url, credentials, { 'content-type': XML, depth }, body);

/** The object a multistatus response carries; null when it has no href or no calendar data (not found, hidden). */
export function objectOf(response: DavResponse, collection: URL): CalDavObject | null {
  const props = foundProps(response);
  // Trimmed again: the parser trims before it decodes, so a final `&#13;` would stay behind.
  const data = text(props['calendar-data'])?.trim();
  if (data === undefined || data === '' || response.href === null) return null;
  return { href: hrefKey(response.href, collection), etag: nonEmpty(text(props.getetag)), text: data };
}

/** The collection's ctag and sync-token (PROPFIND, Depth 0); refuses what is not a calendar collection. */
async function changeTags(
  client: OutboundClient,
  collection: URL,
  credentials: SourceCredentials | null,
): Promise<ChangeTags> {
  const { response, what } = await sendXml(client, 'PROPFIND', collection, credentials, '0', PROPFIND_CHANGE);
  const status = response.statusCode;
  // The address answers, but not as WebDAV: a web page, a file, a server without PROPFIND.
  if ((status >= 200 && status < 300 && status !== 207) || status === 405 || status === 501)
    throw notCalendar(what, status);
  if (status !== 207) throw statusError(what, status);
  const target: DavResponse | undefined = parseMultistatus(response.body)?.[0];
  if (target === undefined) throw notCalendar(what, status);
  const props = foundProps(target);
  const resourcetype = props.resourcetype;
  if (typeof resourcetype !== 'object' || resourcetype === null || !('calendar' in resourcetype))
    throw notCalendar(what, status);
  return { ctag: nonEmpty(text(props.getctag)), syncToken: nonEmpty(text(props['sync-token'])) };
}

/** PUT `{collection}{uid}.ics`, creating or replacing our copy of an event. */
export async function putEvent(
  client: OutboundClient,
  collection: string,
  credentials: SourceCredentials | null,
  uid: string,
  ics: string,
): Promise<void> {
  const { response, what } = await send(
    client,
    'PUT',
    memberUrl(collection, uid),
    credentials,
    { 'content-type': 'text/calendar; charset=utf-8' },
    ics,
  );
  // Radicale answers 201 to a replacement too; others 204 or 200.
  if (![200, 201, 204].includes(response.statusCode)) throw statusError(what, response.statusCode);
}

/** DELETE `{collection}{uid}.ics`; already gone (404, 410) is done too. */
export async function deleteEvent(
  client: OutboundClient,
  collection: string,
  credentials: SourceCredentials | null,
  uid: string,
): Promise<void> {
  const { response, what } = await send(client, 'DELETE', memberUrl(collection, uid), credentials, {});
  if (![200, 202, 204, 404, 410].includes(response.statusCode)) throw statusError(what, response.statusCode);
}

/**
 * The member's URL: the UID encoded whole, so a `?`, `#` or space stays inside one path segment.
 * A `/` does not survive everywhere: WSGI servers (Radicale) decode %2F before routing, and refuse
 * the nested path. Our UIDs are event ids, which have none.
 */
const memberUrl = (collection: string, uid: string): URL =>
  new URL(`${encodeURIComponent(uid)}.ics`, collectionUrl(collection));

const notCalendar = (what: string, status: number) =>
  new SourceError('not_calendar', `${what}: this address is not a CalDAV calendar collection`, status);

export const nonEmpty = (value: string | null): string | null => (value === null || value === '' ? null : value);

/** `20261129T000000Z`, the form of CalDAV's time-range. */
const utcStamp = (date: Date): string =>
  date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
