import type { BookingRules, Envelope, EventResponse, ScheduleResponse } from '@slotkeeper/contracts';

/** A linked schedule: a snapshot taken when it was linked (schedules are immutable). */
export interface ScheduleLink {
  schedule: ScheduleResponse;
  expiresOn: Date | null;
}

/** An event as this service learned it from EventBooked/EventCanceled (the message's shape). */
export type ProjectedEvent = EventResponse;

export interface Calendar {
  id: string;
  userId: string;
  name: string;
  rules: BookingRules;
  createdAt: Date;
  links: ScheduleLink[];
  /** 1 when created, raised by every change; every message about the calendar carries it. */
  version: number;
}

export type NewCalendar = Calendar;

/** What the detail route shows: the calendar and its confirmed events that have not ended, by start. */
export interface CalendarDetail extends Calendar {
  events: ProjectedEvent[];
}

/**
 * The calendar service's persistence port. Every change is written together with the messages
 * announcing it (`outbox`), in one atomic step; the outbox's aggregate id is the calendar id.
 * Each adapter exposes its outbox store to the relay, which is no concern of the domain.
 */
export interface CalendarRepository {
  /** `requestId`: the request that caused the change, published with its messages. */
  create(calendar: NewCalendar, outbox: Envelope[], requestId?: string): Promise<Calendar>;
  findById(id: string): Promise<Calendar | null>;
  /**
   * Replaces the calendar by `next` (whose version is `expectedVersion + 1`) with its messages,
   * in one atomic step, only if the stored calendar is still at `expectedVersion`; false, and
   * nothing written, otherwise (a concurrent change won, or the calendar is gone).
   */
  save(next: Calendar, expectedVersion: number, outbox: Envelope[], requestId?: string): Promise<boolean>;
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
  find(scheduleId: string): Promise<ScheduleResponse | null>;
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
