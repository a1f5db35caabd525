import type { OutboundClient } from '@slotkeeper/outbound-http';
import { changedCollection, objectOf, queryObjects, report, sendXml } from './caldav.js';
import type { CalDavObject, CalDavSynced, Prior } from './fetched.js';
import { namesPrecondition, readMultistatus, type DavResponse } from './multistatus.js';
import { hrefKey, type SourceCredentials } from './request.js';
import { statusError } from './source-error.js';

/** Hrefs per calendar-multiget: a few hundred kB of calendar data per answer, far under the size cap. */
export const MULTIGET_BATCH = 100;
/** Truncated sync-collection answers (507) followed before a full read is cheaper. */
const MAX_SYNC_ROUNDS = 20;

const syncCollection = (token: string) =>
  '<?xml version="1.0" encoding="utf-8"?>' +
  '<D:sync-collection xmlns:D="DAV:">' +
  `<D:sync-token>${escapeXml(token)}</D:sync-token><D:sync-level>1</D:sync-level>` +
  '<D:prop><D:getetag/></D:prop></D:sync-collection>';

const calendarMultiget = (hrefs: readonly string[]) =>
  '<?xml version="1.0" encoding="utf-8"?>' +
  '<C:calendar-multiget xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">' +
  '<D:prop><D:getetag/><C:calendar-data/></D:prop>' +
  hrefs.map((href) => `<D:href>${escapeXml(href)}</D:href>`).join('') +
  '</C:calendar-multiget>';

/**
 * A CalDAV collection since `prior`, object by object (RFC 6578). Unchanged ctag and sync-token:
 * `{ changed: false }`, one PROPFIND. Changed, with a sync-token from the last read: a
 * sync-collection REPORT lists the hrefs changed and removed since, and calendar-multiget REPORTs
 * fetch the changed ones, `MULTIGET_BATCH` at a time; an edit of one event costs three small
 * requests, not the whole collection. A first read, a server without sync-collection, or one that
 * no longer knows the token (403 or 409 `valid-sync-token`, 400, …) gets the full calendar-query
 * answer instead (`incremental: false`), as `fetchCalDav` reads it.
 *
 * The new prior keeps the PROPFIND's ctag and the sync-collection answer's token: a change made
 * meanwhile shows as a new ctag next time, and its replay is harmless (objects are keyed by href).
 */
export async function syncCalDav(
  client: OutboundClient,
  url: string,
  credentials: SourceCredentials | null,
  prior: Prior,
  window: { start: Date; end: Date },
): Promise<CalDavSynced> {
  const changed = await changedCollection(client, url, credentials, prior);
  if (changed === null) return { changed: false };
  const { collection, tags } = changed;
  if (prior.syncToken && tags.syncToken !== null) {
    const changes = await changesSince(client, collection, credentials, prior.syncToken);
    if (changes !== null) {
      const { upserts, gone } = await multiget(client, collection, credentials, changes.changed);
      return {
        changed: true,
        incremental: true,
        upserts,
        deletions: [...changes.deleted, ...gone],
        prior: { ctag: tags.ctag, syncToken: changes.syncToken },
      };
    }
  }
  const objects = await queryObjects(client, collection, credentials, window);
  return { changed: true, incremental: false, objects, prior: tags };
}

interface Changes {
  /** Hrefs as the server wrote them (to ask for them again), by key. */
  changed: Map<string, string>;
  deleted: string[];
  syncToken: string;
}

/**
 * The members changed and removed since `token`, following truncated answers; null when the
 * server cannot answer incrementally (unsupported, or the token invalid or expired): read whole.
 */
async function changesSince(
  client: OutboundClient,
  collection: URL,
  credentials: SourceCredentials | null,
  token: string,
): Promise<Changes | null> {
  const changed = new Map<string, string>();
  const deleted = new Set<string>();
  const self = hrefKey(collection.pathname, collection);
  for (let round = 0, next = token; round < MAX_SYNC_ROUNDS; round++) {
    // RFC 6578 §3.2: the report is defined for Depth 0 only.
    const { response, what } = await sendXml(client, 'REPORT', collection, credentials, '0', syncCollection(next));
    const status = response.statusCode;
    if (status !== 207) {
      if (fallsBack(status, response.body)) return null;
      throw statusError(what, status);
    }
    const answer = readMultistatus(response.body);
    // Not a multistatus, or one without the token it must carry: this server's sync cannot be relied on.
    if (answer === null || answer.syncToken === null) return null;
    let truncated = false;
    for (const entry of answer.responses) {
      if (entry.href === null) continue;
      const key = hrefKey(entry.href, collection);
      if (key === self) {
        // RFC 6578 §3.6: the collection itself with 507 marks a truncated answer; ask again from its token.
        truncated ||= entry.status === 507;
        continue;
      }
      if (isGone(entry)) {
        changed.delete(key);
        deleted.add(key);
      } else {
        deleted.delete(key);
        changed.set(key, entry.href);
      }
    }
    if (!truncated) return { changed, deleted: [...deleted], syncToken: answer.syncToken };
    next = answer.syncToken;
  }
  return null;
}

/** The objects at `hrefs` (calendar-multiget, in batches); those the server no longer has, or shows without data, as gone. */
async function multiget(
  client: OutboundClient,
  collection: URL,
  credentials: SourceCredentials | null,
  hrefs: ReadonlyMap<string, string>,
): Promise<{ upserts: CalDavObject[]; gone: string[] }> {
  const upserts: CalDavObject[] = [];
  const found = new Set<string>();
  const asked = [...hrefs.values()];
  for (let at = 0; at < asked.length; at += MULTIGET_BATCH) {
    const responses = await report(
      client,
      collection,
      credentials,
      calendarMultiget(asked.slice(at, at + MULTIGET_BATCH)),
    );
    for (const entry of responses) {
      const object = objectOf(entry, collection);
      if (object === null || !hrefs.has(object.href) || found.has(object.href)) continue;
      found.add(object.href);
      upserts.push(object);
    }
  }
  return { upserts, gone: [...hrefs.keys()].filter((key) => !found.has(key)) };
}

/**
 * Answers to sync-collection that mean "not incrementally", not "failed": the token is invalid or
 * expired (403 or 409 with `valid-sync-token`, RFC 6578 §3.2; some servers answer 400 or a bare
 * 409), or the report is not supported (400, 403 `supported-report`, 405, 415, 501, and a 500 from
 * servers whose implementation breaks). A full read follows; if the server is broken altogether,
 * that read reports it.
 */
function fallsBack(status: number, body: string): boolean {
  if (status === 403) return namesPrecondition(body, 'valid-sync-token') || namesPrecondition(body, 'supported-report');
  return [400, 405, 409, 415, 500, 501].includes(status);
}

/** A member removed: a response-level 404 (or 410), RFC 6578 §3.5.2. */
const isGone = (entry: DavResponse): boolean => entry.status === 404 || entry.status === 410;

const escapeXml = (value: string): string =>
  value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
