/*
 * What the sync service's two halves share: the busy sources (their store, sync and routes) and
 * the outbound half (the events projection, write-back to CalDAV sources, the calendar feed).
 * The domain imports only zod, luxon and the contracts, errors and time packages.
 */

/** A calendar as the calendar service describes it to this service (internal route). */
export interface CalendarOwner {
  calendarId: string;
  userId: string;
  /** The owner's IANA zone: all-day and floating times of busy sources are read in it. */
  timezone: string;
  name: string;
}

/** Asks the calendar service who owns a calendar; null when it does not exist. */
export interface CalendarOwners {
  ownerOf(calendarId: string): Promise<CalendarOwner | null>;
}

/** Basic credentials of a source, opened from their sealed form only when a request needs them. */
export interface Credentials {
  username: string;
  password: string;
}

/** A CalDAV collection bookings are written to (`write_bookings: true`). */
export interface WriteTarget {
  sourceId: string;
  calendarId: string;
  /** The collection's URL as its owner gave it: `putEvent` and `deleteEvent` read it as a collection. */
  url: string;
  credentials: Credentials | null;
}

/** Where bookings are written back: the calendars' CalDAV sources with `write_bookings`. */
export interface WriteTargets {
  /**
   * The ids of the calendar's targets, no secret opened: a source whose secrets will not open is
   * still one, so a write to it waits for its key rather than being lost.
   */
  sourceIdsFor(calendarId: string): Promise<string[]>;
  /**
   * One target with its secrets opened; null when the source is gone or no longer writes bookings.
   * Throws `SecretsUnreadable` when its URL or password will not open.
   */
  target(sourceId: string): Promise<WriteTarget | null>;
}

/** The write-back jobs still to run (the outbound half's store). */
export interface WriteBackJobs {
  /** Forgets every job of a source: nothing more is written to it. */
  dropWriteJobs(sourceId: string): Promise<void>;
}
