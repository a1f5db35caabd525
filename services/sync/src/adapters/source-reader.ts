import { createHash } from 'node:crypto';
import { setImmediate as nextTick } from 'node:timers/promises';
import { fetchIcs, SourceError, syncCalDav } from '@slotkeeper/caldav';
import { BusyLimitError, busyTimesOf, IcsParseError } from '@slotkeeper/icalendar';
import { OutboundError, type OutboundClient } from '@slotkeeper/outbound-http';
import type { Interval } from '@slotkeeper/time';
import { SourceReadFailed, type ReadRequest, type ReadResult, type SourceReader } from '../domain/busy-source.js';
import { caldavBusy } from './caldav-objects.js';

const DAY = 86_400_000;

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
 * keeps serving meanwhile.
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

  private async readIcs({ url, credentials, prior, window, ownerZone, calendarId }: ReadRequest): Promise<ReadResult> {
    const fetched = await fetchIcs(this.client, url, credentials, prior);
    if (!fetched.changed) return { changed: false };
    const { busy } = await busyTimesOf(fetched.texts, {
      ownerZone,
      window,
      ownCalendarId: calendarId,
      nextTurn: () => nextTick(),
    });
    return { changed: true, busy, prior: fetched.prior, fingerprint: fingerprintOf(busy) };
  }

  private async readCalDav(request: ReadRequest): Promise<ReadResult> {
    const { url, credentials, prior, window } = request;
    // A day wider on each side: servers judge floating and unknown zones in their own way.
    const synced = await syncCalDav(this.client, url, credentials, prior, {
      start: new Date(window.start - DAY),
      end: new Date(window.end + DAY),
    });
    if (!synced.changed) return { changed: false };
    const { busy, objects } = await caldavBusy(synced, request);
    return { changed: true, busy, prior: synced.prior, fingerprint: fingerprintOf(busy), objects };
  }
}
