import type { StoredSecret } from '@slotkeeper/auth';
import type { BookingRules, Envelope, ScheduleSnapshot } from '@slotkeeper/contracts';
import type { OutboxStore } from '@slotkeeper/messaging';
import type { Interval } from '@slotkeeper/time';

export interface BookedEvent {
  id: string;
  calendarId: string;
  title: string;
  start: Date;
  end: Date;
  bookedBy: string;
  guests: string[];
  status: 'confirmed' | 'canceled';
  createdAt: Date;
  idempotencyKey: string | null;
  /** Fingerprint of the request that created it, to tell a retry from a reused key. */
  requestHash: string | null;
  /** The salted hash of the booker's cancel token (its salt also derives the token again). */
  cancelToken: StoredSecret;
}

export type NewEvent = Omit<BookedEvent, 'status'>;

/** What booking knows of a calendar, projected from CalendarCreated/ScheduleLinked/Unlinked. */
export interface CalendarLedger {
  calendarId: string;
  userId: string;
  rules: BookingRules;
  links: Array<{ schedule: ScheduleSnapshot; expiresOn: Date | null }>;
}

export type ReserveResult =
  | { outcome: 'reserved'; event: BookedEvent }
  | { outcome: 'conflict' }
  /** The idempotency key was used meanwhile (a concurrent retry, maybe in another process). */
  | { outcome: 'duplicate-key' };

/**
 * The booking service's persistence port: one ledger per calendar holding its projection, its
 * events and its outbox (the aggregate id of the outbox is the calendar id). `reserve` is the
 * guarantee against double booking, whatever the callers do.
 */
export interface LedgerRepository {
  /** Messages written with the ledger's changes, by calendar id. */
  readonly outbox: OutboxStore;
  saveCalendar(calendar: Omit<CalendarLedger, 'links'>): Promise<void>;
  /** Adds the link, or replaces the link to the same schedule. Creates the ledger if needed. */
  link(calendar: Omit<CalendarLedger, 'links'>, link: CalendarLedger['links'][number]): Promise<void>;
  unlink(calendarId: string, scheduleId: string): Promise<void>;
  findCalendar(calendarId: string): Promise<CalendarLedger | null>;
  /** Confirmed events overlapping `range`, by start. */
  eventsBetween(calendarId: string, range: Interval): Promise<BookedEvent[]>;
  /**
   * Stores the event as confirmed, with `outbox` messages, in one atomic step, only if no
   * confirmed event of its calendar overlaps `guard` and its idempotency key (if any) is unused.
   */
  reserve(event: NewEvent, guard: Interval, outbox: Envelope[]): Promise<ReserveResult>;
  findEvent(eventId: string): Promise<BookedEvent | null>;
  findByIdempotencyKey(key: string): Promise<BookedEvent | null>;
  /** Confirmed → canceled with `outbox` messages; the canceled event, or null if it was not confirmed. */
  cancel(eventId: string, outbox: Envelope[]): Promise<BookedEvent | null>;
}
