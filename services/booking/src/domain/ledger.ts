import type { CalendarEvent, Rules, WeeklySchedule } from '@slotkeeper/contracts';
import type { Interval } from '@slotkeeper/time';
import type { StoredSecret } from './ports.js';

export interface BookedEvent extends CalendarEvent {
  /** Unique per calendar. */
  idempotencyKey: string | null;
  /** Fingerprint of the request that created it, to tell a retry from a reused key. */
  requestHash: string | null;
  /** The salted hash of the booker's cancel token (its salt also derives the token again). */
  cancelToken: StoredSecret;
}

export type NewEvent = Omit<BookedEvent, 'status'>;

/** A linked schedule: its id, and its hours, which the availability engine compiles (`compileSchedule`). */
export interface LinkedSchedule extends WeeklySchedule {
  id: string;
}

export interface Link {
  schedule: LinkedSchedule;
  /** The link is in force before this instant; null never expires. */
  expiresOn: Date | null;
}

/**
 * What booking knows of a calendar: the state the calendar service's messages carry whole
 * (CalendarCreated, ScheduleLinked, ScheduleUnlinked), at the calendar's version.
 */
export interface CalendarLedger {
  calendarId: string;
  userId: string;
  rules: Rules;
  links: Link[];
  /**
   * The calendar service's version of the calendar, raised by every change of its rules or
   * links. A reservation checked against one version commits only while that version is in
   * force, so no booking lands on hours just unlinked.
   */
  version: number;
}

/**
 * What a write announces, stored with it in the outbox (as EventBooked or EventCanceled): the
 * event as the write leaves it, at the instant of the change.
 */
export interface EventChange {
  kind: 'booked' | 'canceled';
  event: BookedEvent;
  occurredAt: Date;
}

export type ReserveResult =
  | { outcome: 'reserved'; event: BookedEvent }
  | { outcome: 'conflict' }
  /** The idempotency key was used meanwhile (a concurrent retry, maybe in another process). */
  | { outcome: 'duplicate-key' }
  /** The calendar's rules or links changed since the version the request was checked against. */
  | { outcome: 'stale' };

/**
 * The booking service's persistence port: per calendar its projection (rules and links), its
 * events and its outbox (the outbox's aggregate id is the calendar id; each adapter exposes its
 * outbox store to the relay, which is no concern of the domain). `reserve` is the guarantee
 * against double booking, whatever the callers do; because of it, the confirmed events of one
 * calendar never overlap one another, which the range reads rely on.
 */
export interface LedgerRepository {
  /**
   * Stores the calendar's state if its version is newer than the stored one, in one atomic
   * step; false (and nothing changed) for a late, repeated or reordered older state.
   */
  applyCalendar(calendar: CalendarLedger): Promise<boolean>;
  findCalendar(calendarId: string): Promise<CalendarLedger | null>;
  /** Confirmed events overlapping `range`, by start. */
  eventsBetween(calendarId: string, range: Interval): Promise<BookedEvent[]>;
  /**
   * Stores the event as confirmed, with the messages of `changes`, in one atomic step, only if the
   * calendar is still at `version`, no confirmed event of its calendar overlaps `guard`, and its
   * idempotency key (if any) is unused on that calendar.
   */
  reserve(
    event: NewEvent,
    guard: Interval,
    changes: readonly EventChange[],
    version: number,
    requestId?: string,
  ): Promise<ReserveResult>;
  findEvent(eventId: string): Promise<BookedEvent | null>;
  findByIdempotencyKey(calendarId: string, key: string): Promise<BookedEvent | null>;
  /** Confirmed → canceled with the messages of `changes`; the canceled event, or null if it was not confirmed. */
  cancel(eventId: string, changes: readonly EventChange[], requestId?: string): Promise<BookedEvent | null>;
}
