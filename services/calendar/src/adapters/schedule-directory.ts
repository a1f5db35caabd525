import { scheduleFromWire, scheduleToWire, type ScheduleResponse } from '@slotkeeper/contracts';
import type { CallOptions } from '@slotkeeper/service-clients';
import type { LinkedSchedule, ScheduleDirectory } from '../domain/calendar.js';

/** Where schedules come from: the schedule service's API client (`ScheduleServiceClient`). */
export interface ScheduleSource {
  find(scheduleId: string, options?: CallOptions): Promise<ScheduleResponse | null>;
}

/** A schedule as the schedule service answers it (and a link's document keeps it), in the domain's terms. */
export const linkedScheduleFromWire = (schedule: ScheduleResponse): LinkedSchedule => ({
  id: schedule.id,
  userId: schedule.user_id,
  name: schedule.name,
  ...scheduleFromWire(schedule),
  createdAt: new Date(schedule.created_at),
});

export const linkedScheduleToWire = (schedule: LinkedSchedule): ScheduleResponse => ({
  id: schedule.id,
  user_id: schedule.userId,
  name: schedule.name,
  ...scheduleToWire(schedule),
  created_at: schedule.createdAt.toISOString(),
});

/** Schedules as the schedule service answers them, in the domain's terms. */
export class ScheduleServiceDirectory implements ScheduleDirectory {
  constructor(private readonly source: ScheduleSource) {}

  async find(scheduleId: string): Promise<LinkedSchedule | null> {
    const schedule = await this.source.find(scheduleId);
    return schedule && linkedScheduleFromWire(schedule);
  }
}
