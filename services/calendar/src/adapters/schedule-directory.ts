import { scheduleFromWire, scheduleToWire, type ScheduleResponse } from '@slotkeeper/contracts';
import { versionFromEtag, type CallOptions } from '@slotkeeper/service-clients';
import type { LinkedSchedule, ScheduleDirectory, VersionedSchedule } from '../domain/calendar.js';

/** Where schedules come from: the schedule service's API client (`ScheduleServiceClient`). */
export interface ScheduleSource {
  /** The schedule and the answer's `ETag`, which names its version. */
  findTagged(
    scheduleId: string,
    options?: CallOptions,
  ): Promise<{ value: ScheduleResponse; etag: string | undefined } | null>;
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

  async find(scheduleId: string): Promise<VersionedSchedule | null> {
    const answer = await this.source.findTagged(scheduleId);
    return answer && { schedule: linkedScheduleFromWire(answer.value), version: versionFromEtag(answer.etag) };
  }
}
