import { createHash } from 'node:crypto';
import { setImmediate as nextTick } from 'node:timers/promises';
import { fetchCalDav, fetchIcs, SourceError } from '@slotkeeper/caldav';
import { BusyLimitError, busyTimesOf, IcsParseError } from '@slotkeeper/icalendar';
import { OutboundError, type OutboundClient } from '@slotkeeper/outbound-http';
import type { Interval } from '@slotkeeper/time';
import { SourceReadFailed, type ReadRequest, type ReadResult, type SourceReader } from '../domain/busy-source.js';

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
 * read): an ICS URL by GET, a CalDAV collection by PROPFIND and REPORT, each conditional on what
 * the server said last time; then expands the texts into busy intervals in turns, so the event
 * loop keeps serving meanwhile.
 */
export class CalendarSourceReader implements SourceReader {
  constructor(private readonly client: OutboundClient) {}

  async read(request: ReadRequest): Promise<ReadResult> {
    const { kind, url, credentials, prior, window, ownerZone, calendarId } = request;
    try {
      const fetched =
        kind === 'ics'
          ? await fetchIcs(this.client, url, credentials, prior)
          : // A day wider on each side: servers judge floating and unknown zones in their own way.
            await fetchCalDav(this.client, url, credentials, prior, {
              start: new Date(window.start - DAY),
              end: new Date(window.end + DAY),
            });
      if (!fetched.changed) return { changed: false };
      const { busy } = await busyTimesOf(fetched.texts, {
        ownerZone,
        window,
        ownCalendarId: calendarId,
        nextTurn: () => nextTick(),
      });
      return { changed: true, busy, prior: fetched.prior, fingerprint: fingerprintOf(busy) };
    } catch (error) {
      if (SAFE_ERRORS.some((type) => error instanceof type)) throw new SourceReadFailed((error as Error).message);
      throw error;
    }
  }
}
