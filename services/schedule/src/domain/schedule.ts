import type { WeeklySchedule, WeeklySlot } from '@slotkeeper/contracts';

/** A weekly slot, with the id this service gave it. */
export interface TimeSlot extends WeeklySlot {
  id: string;
}

export interface Schedule extends WeeklySchedule<TimeSlot> {
  id: string;
  userId: string;
  name: string;
  createdAt: Date;
  /** 1 at creation, raised by every change; saves are conditional on the version read (CAS). */
  version: number;
}

export type NewSchedule = Omit<Schedule, 'id'>;

/** A schedule as asked for: its slots get their ids, and the zone defaults to the user's. */
export interface ScheduleInput extends Omit<WeeklySchedule, 'timezone'> {
  userId: string;
  name: string;
  timezone?: string | undefined;
}

/**
 * A change as asked for: each field left out stays; `timezone: null` is the owner's zone again;
 * a list replaces the whole list.
 */
export interface SchedulePatch {
  name?: string | undefined;
  timezone?: string | null | undefined;
  timeSlots?: WeeklySchedule['timeSlots'] | undefined;
  dateOverrides?: WeeklySchedule['dateOverrides'] | undefined;
}

/** A schedule at its new version, and when it changed: stored with its `ScheduleUpdated` message. */
export interface ScheduleUpdate {
  schedule: Schedule;
  at: Date;
}

/** A schedule gone, at the version after its last: removed with its `ScheduleDeleted` message. */
export interface ScheduleDeletion {
  scheduleId: string;
  userId: string;
  version: number;
  at: Date;
}

export interface ScheduleRepository {
  create(schedule: NewSchedule): Promise<Schedule>;
  findById(id: string): Promise<Schedule | null>;
  /** Oldest first. */
  listByUser(userId: string): Promise<Schedule[]>;
  /**
   * Stores the schedule and its message in one atomic write, only if the stored version is still
   * `expectedVersion`; false (nothing written) otherwise. `requestId` travels beside the message.
   */
  save(change: ScheduleUpdate, expectedVersion: number, requestId?: string): Promise<boolean>;
  /** Removes the schedule and writes its message atomically, only at `expectedVersion`; false otherwise. */
  delete(change: ScheduleDeletion, expectedVersion: number, requestId?: string): Promise<boolean>;
}

/** What the schedule service needs to know of a user, asked of the user service. */
export interface UserDirectory {
  find(userId: string): Promise<{ id: string; timezone: string } | null>;
}

/** The calendar service, as far as schedules concern it. */
export interface CalendarLinks {
  /**
   * Hands a changed schedule to every calendar linking it and resolves once they offer it;
   * ServiceUnavailableError when the calendar service does not confirm that in time.
   */
  applyUpdate(schedule: Schedule): Promise<void>;
  /** The calendars linking the schedule now; ServiceUnavailableError when that cannot be known. */
  linkingCalendars(scheduleId: string): Promise<string[]>;
}

/** What use cases call after a write: publish what that write left in the outbox. */
export interface OutboxPublisher {
  flush(aggregateId: string): Promise<void>;
}
