import type { BookingRules, EventResponse, ScheduleResponse } from '@slotkeeper/contracts';

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
  events: ProjectedEvent[];
}

export type NewCalendar = Omit<Calendar, 'id' | 'events'>;

export interface CalendarRepository {
  create(calendar: NewCalendar): Promise<Calendar>;
  findById(id: string): Promise<Calendar | null>;
  /** False when the calendar is unknown or the schedule is linked already. */
  addLink(calendarId: string, link: ScheduleLink): Promise<boolean>;
  /** False when there was no such link. */
  removeLink(calendarId: string, scheduleId: string): Promise<boolean>;
  /**
   * Records an event's latest known state, idempotently; a cancellation is never undone by a
   * late or repeated booking message.
   */
  applyEvent(calendarId: string, event: ProjectedEvent): Promise<void>;
}

export interface ScheduleDirectory {
  find(scheduleId: string): Promise<ScheduleResponse | null>;
}

export interface UserDirectory {
  find(userId: string): Promise<{ id: string } | null>;
}
