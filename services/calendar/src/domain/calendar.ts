import type { CalendarEvent, Rules, WeeklySchedule, WeeklySlot } from '@slotkeeper/contracts';

/** A schedule as the schedule service answered when it was linked, or as its latest change made it. */
export interface LinkedSchedule extends WeeklySchedule<WeeklySlot & { id: string }> {
  id: string;
  userId: string;
  name: string;
  createdAt: Date;
}

/** A linked schedule: a snapshot taken when it was linked, in force before `expiresOn`. */
export interface ScheduleLink {
  schedule: LinkedSchedule;
  expiresOn: Date | null;
  /**
   * The schedule's version the snapshot shows (the schedule service's `ETag`); absent: 0, a link
   * stored before schedules had versions. A schedule change replaces only older snapshots.
   */
  scheduleVersion?: number;
}

/** A link as asked for: which schedule, until when. */
export interface LinkRequest {
  scheduleId: string;
  expiresOn: Date | null;
}

/**
 * An event of the calendar as this service learned it from the booking service's messages, at the
 * event's `version` (1 booked, +1 per reschedule or cancellation; 0: stored before versions).
 */
export type ProjectedEvent = CalendarEvent & { version: number };

export interface Calendar {
  id: string;
  userId: string;
  name: string;
  rules: Rules;
  createdAt: Date;
  links: ScheduleLink[];
  /** 1 when created, raised by every change; every message about the calendar carries it. */
  version: number;
}

export type NewCalendar = Calendar;

/** A new calendar as asked for: its links are checked and resolved by the use case. */
export interface CalendarInput {
  userId: string;
  name: string;
  rules: Rules;
  links: LinkRequest[];
}

/** What the detail route shows: the calendar and its confirmed events that have not ended, by start. */
export interface CalendarDetail extends Calendar {
  events: ProjectedEvent[];
}

/** A calendar, created with the links it was created with. */
export interface CalendarCreated {
  kind: 'calendarCreated';
  calendar: Calendar;
  at: Date;
}

/** A change of a calendar: `calendar` is its new state, one version up. */
export type CalendarUpdate =
  | { kind: 'scheduleLinked'; calendar: Calendar; link: ScheduleLink; at: Date }
  | { kind: 'scheduleUnlinked'; calendar: Calendar; scheduleId: string; at: Date }
  /** Its name, rules, a link's expiry or a linked schedule's hours changed. */
  | { kind: 'calendarUpdated'; calendar: Calendar; at: Date };

/** A calendar deleted: `calendar` as it was, its version raised once more by the deletion. */
export interface CalendarDeletion {
  kind: 'calendarDeleted';
  calendar: Calendar;
  at: Date;
}

/** What happened to a calendar, at `at`: the repository stores it and announces it. */
export type CalendarChange = CalendarCreated | CalendarUpdate | CalendarDeletion;

/**
 * The calendar service's persistence port. Every change is written together with the messages
 * announcing it (the adapter's outbox), in one atomic step; the outbox's aggregate id is the
 * calendar id. Each adapter exposes its outbox store to the relay, which is no concern of the domain.
 */
export interface CalendarRepository {
  /** `requestId`: the request that caused the change, published with its messages. */
  create(change: CalendarCreated, requestId?: string): Promise<Calendar>;
  findById(id: string): Promise<Calendar | null>;
  /**
   * Replaces the calendar by `change.calendar` (whose version is `expectedVersion + 1`) and
   * announces the change, in one atomic step, only if the stored calendar is still at
   * `expectedVersion`; false, and nothing written, otherwise (a concurrent change won, or the
   * calendar is gone).
   */
  save(change: CalendarUpdate, expectedVersion: number, requestId?: string): Promise<boolean>;
  /**
   * Deletes the calendar and its projected events and announces it, in one atomic step, only if
   * the stored calendar is still at `expectedVersion` (`deletion.calendar.version - 1`); false,
   * and nothing written, otherwise.
   */
  remove(deletion: CalendarDeletion, expectedVersion: number, requestId?: string): Promise<boolean>;
  /** The user's calendars, by creation, then id. */
  listByUser(userId: string): Promise<Calendar[]>;
  /** The calendars that link the schedule, by id. */
  findLinking(scheduleId: string): Promise<Calendar[]>;
  /**
   * Records an event's state in one atomic step per message, only over an older version.
   * Applications commute: any order or repetition of one event's messages ends in the state of
   * its highest version.
   */
  applyEvent(event: ProjectedEvent): Promise<void>;
  /** The calendar's confirmed events that have not ended at `now`, by start. */
  upcomingEvents(calendarId: string, now: Date): Promise<ProjectedEvent[]>;
}

/** Publishes what a write left in the outbox; never throws (a sweep retries what it could not send). */
export interface OutboxPublisher {
  flush(aggregateId: string): Promise<void>;
}

/** A schedule as the schedule service answers it now, at its version (0: it named none). */
export interface VersionedSchedule {
  schedule: LinkedSchedule;
  version: number;
}

export interface ScheduleDirectory {
  find(scheduleId: string): Promise<VersionedSchedule | null>;
}

/** A user as this service needs them: who they are, what they are called, where they live. */
export interface Owner {
  id: string;
  name: string;
  timezone: string;
}

export interface UserDirectory {
  find(userId: string): Promise<Owner | null>;
}

/** The booking service's view of calendars: when it has applied a version of one. */
export interface BookingSync {
  /**
   * Resolves once the booking service has applied `version` of the calendar (or a newer one);
   * throws ServiceUnavailableError if that does not happen within a bounded time.
   */
  awaitApplied(calendarId: string, version: number): Promise<void>;
  /**
   * Closes the calendar to bookings in one ledger step, unless it has a confirmed event that has
   * not ended ('upcoming-events'); idempotent. Throws ServiceUnavailableError when it cannot ask.
   */
  close(calendarId: string): Promise<'closed' | 'upcoming-events'>;
}
