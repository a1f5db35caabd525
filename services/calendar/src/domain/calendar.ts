import type { BookingRules, Envelope, EventResponse, ScheduleResponse } from '@slotkeeper/contracts';
import type { OutboxStore } from '@slotkeeper/messaging';

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
}

export type NewCalendar = Calendar;

/** What the detail route shows: the calendar and its confirmed events that have not ended, by start. */
export interface CalendarDetail extends Calendar {
  events: ProjectedEvent[];
}

/**
 * The calendar service's persistence port. Every change is written together with the messages
 * announcing it (`outbox`), in one atomic step; the outbox's aggregate id is the calendar id.
 */
export interface CalendarRepository {
  /** Messages written with the calendars' changes, by calendar id. */
  readonly outbox: OutboxStore;
  create(calendar: NewCalendar, outbox: Envelope[]): Promise<Calendar>;
  findById(id: string): Promise<Calendar | null>;
  /** False, and nothing written, when the calendar is unknown or the schedule is linked already. */
  addLink(calendarId: string, link: ScheduleLink, outbox: Envelope[]): Promise<boolean>;
  /** False, and nothing written, when there was no such link. */
  removeLink(calendarId: string, scheduleId: string, outbox: Envelope[]): Promise<boolean>;
  /**
   * Records an event's latest known state in one atomic step per message. Applications commute:
   * any order or repetition of one event's booked and canceled messages ends in the same state,
   * canceled as soon as a cancellation was applied.
   */
  applyEvent(event: ProjectedEvent): Promise<void>;
  /** The calendar's confirmed events that have not ended at `now`, by start. */
  upcomingEvents(calendarId: string, now: Date): Promise<ProjectedEvent[]>;
}

export interface ScheduleDirectory {
  find(scheduleId: string): Promise<ScheduleResponse | null>;
}

export interface UserDirectory {
  find(userId: string): Promise<{ id: string } | null>;
}
