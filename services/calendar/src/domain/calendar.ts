import type { CalendarEvent, Rules, WeeklySchedule, WeeklySlot } from '@slotkeeper/contracts';

/** A schedule as the schedule service answered when it was linked (schedules are immutable). */
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
}

/** A link as asked for: which schedule, until when. */
export interface LinkRequest {
  scheduleId: string;
  expiresOn: Date | null;
}

/** An event of the calendar as this service learned it from the booking service's messages. */
export type ProjectedEvent = CalendarEvent;

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
  | { kind: 'scheduleUnlinked'; calendar: Calendar; scheduleId: string; at: Date };

/** What happened to a calendar, at `at`: the repository stores it and announces it. */
export type CalendarChange = CalendarCreated | CalendarUpdate;

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
   * Records an event's latest known state in one atomic step per message. Applications commute:
   * any order or repetition of one event's booked and canceled messages ends in the same state,
   * canceled as soon as a cancellation was applied.
   */
  applyEvent(event: ProjectedEvent): Promise<void>;
  /** The calendar's confirmed events that have not ended at `now`, by start. */
  upcomingEvents(calendarId: string, now: Date): Promise<ProjectedEvent[]>;
}

/** Publishes what a write left in the outbox; never throws (a sweep retries what it could not send). */
export interface OutboxPublisher {
  flush(aggregateId: string): Promise<void>;
}

export interface ScheduleDirectory {
  find(scheduleId: string): Promise<LinkedSchedule | null>;
}

export interface UserDirectory {
  find(userId: string): Promise<{ id: string } | null>;
}

/** The booking service's view of calendars: when it has applied a version of one. */
export interface BookingSync {
  /**
   * Resolves once the booking service has applied `version` of the calendar (or a newer one);
   * throws ServiceUnavailableError if that does not happen within a bounded time.
   */
  awaitApplied(calendarId: string, version: number): Promise<void>;
}
