import type { DayOfWeek } from '@slotkeeper/contracts';

export interface TimeSlot {
  id: string;
  dayOfWeek: DayOfWeek;
  startTime: string;
  endTime: string;
}

export interface DateOverride {
  date: string;
  timeSlots: Array<{ startTime: string; endTime: string }>;
}

export interface Schedule {
  id: string;
  userId: string;
  name: string;
  timezone: string;
  timeSlots: TimeSlot[];
  dateOverrides: DateOverride[];
  createdAt: Date;
}

export type NewSchedule = Omit<Schedule, 'id'>;

/** A schedule as asked for: its slots get their ids, and the zone defaults to the user's. */
export interface ScheduleInput {
  userId: string;
  name: string;
  timezone?: string | undefined;
  timeSlots: Array<Omit<TimeSlot, 'id'>>;
  dateOverrides: DateOverride[];
}

export interface ScheduleRepository {
  create(schedule: NewSchedule): Promise<Schedule>;
  findById(id: string): Promise<Schedule | null>;
  /** Oldest first. */
  listByUser(userId: string): Promise<Schedule[]>;
}

/** What the schedule service needs to know of a user, asked of the user service. */
export interface UserDirectory {
  find(userId: string): Promise<{ id: string; timezone: string } | null>;
}
