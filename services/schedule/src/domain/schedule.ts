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
}

export type NewSchedule = Omit<Schedule, 'id'>;

/** A schedule as asked for: its slots get their ids, and the zone defaults to the user's. */
export interface ScheduleInput extends Omit<WeeklySchedule, 'timezone'> {
  userId: string;
  name: string;
  timezone?: string | undefined;
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
