import type { OutboundEvent } from './outbound-event.js';
import type { ClaimedJob, Settlement, WriteBackJob, WriteRequest } from './write-back-job.js';

/**
 * The outbound half's store: its projection of the events, the calendars' feed tokens (their
 * hashes), the write-back jobs and what the feed needs of each calendar. Collections `outbound_events`,
 * `feed_tokens`, `write_back_jobs`, `outbound_calendars`.
 */
export interface OutboundRepository {
  init(): Promise<void>;

  /** Stores the event unless a version as new or newer is stored; whether it did. */
  applyEvent(event: OutboundEvent): Promise<boolean>;
  findEvent(eventId: string): Promise<OutboundEvent | null>;
  /**
   * The calendar's events (any status) ending at or after `endsFrom`, by start, at most `limit`.
   * Read from `earliestStart(endsFrom, …)` on: the stores remember each calendar's longest event
   * beyond a day as they apply it.
   */
  feedEvents(calendarId: string, endsFrom: Date, limit: number): Promise<OutboundEvent[]>;

  /** The calendar's feed token is now the one of this SHA-256 hash (hex): the previous one stops working. */
  setFeedToken(calendarId: string, tokenHash: string, at: Date): Promise<void>;
  feedTokenHash(calendarId: string): Promise<string | null>;

  /**
   * Records that the event is to be written to the source at `version`: over an older version
   * (pending, done or failed alike) it starts again, due at `now`, attempts reset; a version as new
   * or newer already recorded stands. A job a worker holds keeps its lease, so the newer version
   * runs after it, never beside it.
   */
  recordWrite(request: WriteRequest, now: Date): Promise<void>;
  /** Pending jobs due at `now` and not leased, each leased for `leaseMs` and its attempts counted. */
  claimDue(now: Date, leaseMs: number, limit: number): Promise<ClaimedJob[]>;
  /**
   * Ends an attempt, if the job's lease is still this one. When a newer version was recorded
   * meanwhile, only the lease is released: the newer version runs next.
   */
  settle(job: ClaimedJob, outcome: Settlement): Promise<void>;
  findWriteJob(sourceId: string, eventId: string): Promise<WriteBackJob | null>;
  /** Forgets every job of a deleted source. */
  dropWriteJobs(sourceId: string): Promise<void>;

  /** Forgets all of a deleted calendar: its events (the bookers' emails and notes), its feed token and its jobs. */
  forgetCalendar(calendarId: string): Promise<void>;
}
