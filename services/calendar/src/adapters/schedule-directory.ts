import type { ScheduleResponse } from '@slotkeeper/contracts';
import type { CallOptions } from '@slotkeeper/service-clients';
import type { LinkedSchedule, ScheduleDirectory } from '../domain/calendar.js';

/** Where schedules come from: the schedule service's API client (`ScheduleServiceClient`). */
export interface ScheduleSource {
  find(scheduleId: string, options?: CallOptions): Promise<ScheduleResponse | null>;
}

const toLinkedSchedule = (schedule: ScheduleResponse): LinkedSchedule => ({
  id: schedule.id,
  userId: schedule.user_id,
  name: schedule.name,
  timezone: schedule.timezone,
  timeSlots: schedule.time_slots.map((slot) => ({
    id: slot.id,
    dayOfWeek: slot.day_of_week,
    startTime: slot.start_time,
    endTime: slot.end_time,
  })),
  dateOverrides: schedule.date_overrides.map((override) => ({
    date: override.date,
    timeSlots: override.time_slots.map((slot) => ({ startTime: slot.start_time, endTime: slot.end_time })),
  })),
  createdAt: new Date(schedule.created_at),
});

/** Schedules as the schedule service answers them, in the domain's terms. */
export class ScheduleServiceDirectory implements ScheduleDirectory {
  constructor(private readonly source: ScheduleSource) {}

  async find(scheduleId: string): Promise<LinkedSchedule | null> {
    const schedule = await this.source.find(scheduleId);
    return schedule && toLinkedSchedule(schedule);
  }
}
