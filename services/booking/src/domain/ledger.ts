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
  /** 1 when booked, raised by every reschedule and by the cancel; its messages carry it. */
  version: number;
  /** The times it was booked for, once it has been moved: a replay of its booking answers them. */
  bookedTimes?: { start: Date; end: Date };
}

/** An event as a reservation stores it: confirmed, at version 1. */
export type NewEvent = Omit<BookedEvent, 'status' | 'version' | 'bookedTimes'>;

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
  /** Closed when its calendar was deleted: then it is unknown to bookings and reads. */
  closed?: boolean;
}

/**
 * What a write announces, stored with it in the outbox (as EventBooked, EventCanceled or
 * EventRescheduled): the event as the write leaves it, at the instant of the change.
 */
export type EventChange =
  | { kind: 'booked' | 'canceled'; event: BookedEvent; occurredAt: Date }
  | { kind: 'rescheduled'; event: BookedEvent; previous: { start: Date; end: Date }; occurredAt: Date };

/** A reschedule as the ledger carries it out: the checks of `reserve`, on an existing event. */
export interface RescheduleRequest {
  eventId: string;
  calendarId: string;
  start: Date;
  end: Date;
  /** What must be free of the calendar's other confirmed events (as `reserve`'s guard). */
  guard: Interval;
  /** The calendar's version the new time was checked against. */
  version: number;
  occurredAt: Date;
  /** The claim of the request's Idempotency-Key, if it came with one. */
  claim: { key: string; requestHash: string } | null;
  requestId?: string | undefined;
}

/** What a reschedule with an Idempotency-Key answered, kept to answer its retries. */
export interface RescheduleClaim {
  eventId: string;
  requestHash: string;
  start: Date;
  end: Date;
  version: number;
}

export type RescheduleResult =
  | { outcome: 'rescheduled'; event: BookedEvent }
  | { outcome: 'conflict' | 'duplicate-key' | 'stale' | 'not-confirmed' | 'not-found' };

export type CloseResult = 'closed' | 'busy';

export type EventListStatus = 'confirmed' | 'canceled' | 'all';

/** One page of a calendar's events list, in the order (start, id). */
export interface EventPageRequest {
  /** Events overlapping it are listed. */
  range: Interval;
  status: EventListStatus;
  limit: number;
  /** The last event of the previous page: the page starts after it. */
  after?: { start: Date; id: string } | undefined;
}

export interface EventPage {
  events: BookedEvent[];
  /** Whether more events follow the page. */
  more: boolean;
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
  /** A page of the calendar's events of a status overlapping a range, by (start, id). */
  listEvents(calendarId: string, request: EventPageRequest): Promise<EventPage>;
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
  /**
   * Confirmed → canceled at the next version, with its EventCanceled (built from the event as
   * stored) in one atomic step; the canceled event, or null if it was not confirmed.
   */
  cancel(eventId: string, occurredAt: Date, requestId?: string): Promise<BookedEvent | null>;
  /**
   * Moves a confirmed event to new times in one atomic step, serialized with `reserve` on its
   * calendar: only if the calendar is still at `version`, no other confirmed event overlaps
   * `guard` and the claim's key is unused on the calendar. The event gets the next version, and
   * its EventRescheduled goes to the outbox, with the claim, in the same step.
   */
  reschedule(request: RescheduleRequest): Promise<RescheduleResult>;
  findRescheduleClaim(calendarId: string, key: string): Promise<RescheduleClaim | null>;
  /**
   * Closes the calendar in one step serialized with `reserve` (idempotent): with `now`, 'busy'
   * and nothing changed while it has a confirmed event ending after it. A calendar not yet known
   * is stored closed, so its late messages never open it.
   */
  close(calendarId: string, now?: Date): Promise<CloseResult>;
}
