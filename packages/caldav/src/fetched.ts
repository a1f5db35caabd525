/**
 * What the last successful fetch of a source saw, to ask the next one "changed since?". ICS feeds
 * use the HTTP validators, CalDAV collections their ctag and sync-token.
 */
export interface Prior {
  etag?: string | null;
  lastModified?: string | null;
  ctag?: string | null;
  syncToken?: string | null;
}

/** Unchanged since `prior`, or the source's whole content (one iCalendar text per object) and the new `prior`. */
export type Fetched = { changed: false } | { changed: true; texts: string[]; prior: Prior };
