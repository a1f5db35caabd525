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

/** One calendar object resource of a CalDAV collection: its href (a path), its ETag, its iCalendar text. */
export interface CalDavObject {
  /** The object's path, in one spelling whatever the server wrote (percent-encoding, absolute URL). */
  href: string;
  etag: string | null;
  text: string;
}

/**
 * What a CalDAV collection holds since `prior`, keyed by href: unchanged; every object overlapping
 * the window (a full read); or, when the server could say what changed since the prior sync-token,
 * the objects added or changed (anywhere in time: sync-collection knows no window) and the hrefs
 * removed.
 */
export type CalDavSynced =
  | { changed: false }
  | { changed: true; incremental: false; objects: CalDavObject[]; prior: Prior }
  | { changed: true; incremental: true; upserts: CalDavObject[]; deletions: string[]; prior: Prior };
