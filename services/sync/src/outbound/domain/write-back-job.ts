/**
 * Write-back of bookings to the owners' CalDAV collections (`write_bookings: true`).
 *
 * The jobs are the outbox of these outside writes: the message handler only records, per
 * (source, event), that the event's state at its newest version is to be written there, and
 * acks; the worker writes it later, retrying with growing delays. So a slow or dead CalDAV
 * server never holds up a booking or the message queue, and nothing is lost across restarts.
 * What is written is the event's newest state in the projection when the job runs: PUT while
 * it stands, DELETE once canceled.
 */
export interface WriteBackJob {
  sourceId: string;
  calendarId: string;
  eventId: string;
  /** The event version the job was recorded for; a newer version replaces it, attempts reset. */
  version: number;
  /** `done` is kept, so a late message of an older version never writes again. */
  state: 'pending' | 'done' | 'failed';
  /** Attempts made for this version (a claim counts as one, so a crashing write ends too). */
  attempts: number;
  nextAttemptAt: Date | null;
  /** Why the last attempt failed: the owner-safe message of a SourceError, never a secret. */
  lastError: string | null;
}

/** A job a worker holds, for `leaseMs`: no other worker runs it meanwhile. */
export interface ClaimedJob extends WriteBackJob {
  leaseId: string;
}

/** What a write asks the store to remember: the newest version wins. */
export type WriteRequest = Pick<WriteBackJob, 'sourceId' | 'calendarId' | 'eventId' | 'version'>;

/** How an attempt ended. */
export type Settlement =
  | { kind: 'done' }
  | { kind: 'retry'; at: Date; error: string }
  | { kind: 'failed'; error: string }
  /** The source is gone (deleted, or no longer writable): nothing more to do. */
  | { kind: 'dropped' };

const MINUTE = 60_000;

/** 1, 5, 15, 60 minutes, then 3, 6 and 12 hours: about 22 hours in all, then it gives up. */
export const DEFAULT_RETRY_DELAYS_MS: readonly number[] = [1, 5, 15, 60, 180, 360, 720].map((m) => m * MINUTE);

/** After the `attempts`-th failed attempt: when to try again, or null to give up. */
export function nextAttempt(attempts: number, now: Date, delaysMs: readonly number[]): Date | null {
  const delay = delaysMs[attempts - 1];
  return delay === undefined ? null : new Date(now.getTime() + delay);
}

export const jobKey = (sourceId: string, eventId: string): string => `${sourceId}:${eventId}`;
