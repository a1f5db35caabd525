import { createHash } from 'node:crypto';
import { fetchIcs, SourceError, syncCalDav } from '@slotkeeper/caldav';
import { BusyLimitError, busyTimesOf, IcsParseError } from '@slotkeeper/icalendar';
import { OutboundError, type OutboundClient } from '@slotkeeper/outbound-http';
import type { Interval } from '@slotkeeper/time';
import { SourceReadFailed, type ReadRequest, type ReadResult, type SourceReader } from '../domain/busy-source.js';
import { caldavBusy } from './caldav-objects.js';
import { clientUntil, turnUntil } from './read-deadline.js';

/** A digest of a busy set: equal sets, equal digests. */
export const fingerprintOf = (busy: readonly Interval[]): string => {
  const hash = createHash('sha256');
  for (const { start, end } of busy) hash.update(`${start},${end};`);
  return hash.digest('base64url');
};

/** Errors whose messages are written to be shown to the source's owner. */
const SAFE_ERRORS = [SourceError, IcsParseError, BusyLimitError, OutboundError];

/**
 * Reads a source through the SSRF-safe outbound client (its deadline and size limit bound every
 * read): an ICS URL by GET, conditional on what the server said last time, expanded whole; a
 * CalDAV collection by PROPFIND, then what changed since the last sync-token (sync-collection and
 * calendar-multiget) or, without one, every object (calendar-query), each object expanded alone and
 * merged with the stored ones (`caldav-objects.ts`). Expansion goes in turns, so the event loop
 * keeps serving meanwhile. The request's `signal` (the sync's deadline) is heeded before every
 * request and at every turn.
 */
export class CalendarSourceReader implements SourceReader {
  constructor(private readonly client: OutboundClient) {}

  async read(request: ReadRequest): Promise<ReadResult> {
    try {
      return request.kind === 'ics' ? await this.readIcs(request) : await this.readCalDav(request);
    } catch (error) {
      if (SAFE_ERRORS.some((type) => error instanceof type)) throw new SourceReadFailed((error as Error).message);
      throw error;
    }
  }

  private async readIcs(request: ReadRequest): Promise<ReadResult> {
    const { url, credentials, prior, window, ownerZone, calendarId, signal } = request;
    const fetched = await fetchIcs(clientUntil(this.client, signal), url, credentials, prior);
    if (!fetched.changed) return { changed: false };
    signal?.throwIfAborted();
    const { busy } = await busyTimesOf(fetched.texts, {
      ownerZone,
      window,
      ownCalendarId: calendarId,
      nextTurn: turnUntil(signal),
    });
    // busyTimesOf skips a series whose expansion threw, a turn past the deadline among them.
    signal?.throwIfAborted();
    return { changed: true, busy, prior: fetched.prior, fingerprint: fingerprintOf(busy) };
  }

  private async readCalDav(request: ReadRequest): Promise<ReadResult> {
    const { url, credentials, prior, window, signal } = request;
    // The window as it is: the calendar-query widens it by a day on each side itself (servers
    // place floating times and unknown zones in their own way); expansion clips to it exactly.
    const synced = await syncCalDav(clientUntil(this.client, signal), url, credentials, prior, {
      start: new Date(window.start),
      end: new Date(window.end),
    });
    if (!synced.changed) return { changed: false };
    signal?.throwIfAborted();
    const { busy, objects } = await caldavBusy(synced, request);
    return { changed: true, busy, prior: synced.prior, fingerprint: fingerprintOf(busy), objects };
  }
}
