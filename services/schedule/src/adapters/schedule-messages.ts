import {
  createEnvelope,
  scheduleToWire,
  type Envelope,
  type MessageData,
  type ScheduleSnapshot,
} from '@slotkeeper/contracts';
import type { Schedule, ScheduleDeletion, ScheduleUpdate } from '../domain/schedule.js';

/** A schedule as messages carry it: its id and hours, its slots without their ids. */
const scheduleSnapshot = (schedule: Schedule): ScheduleSnapshot => ({
  id: schedule.id,
  ...scheduleToWire({ ...schedule, timeSlots: schedule.timeSlots.map(({ id: _id, ...slot }) => slot) }),
});

/** What `ScheduleUpdated` carries, and the calendar service's `PUT /internal/schedules/:id` takes. */
export const scheduleUpdatedData = (schedule: Schedule): MessageData<'ScheduleUpdated'> => ({
  schedule: scheduleSnapshot(schedule),
  user_id: schedule.userId,
  version: schedule.version,
});

/** The message of a change, as both stores write it to their outbox with it. */
export const scheduleUpdated = ({ schedule, at }: ScheduleUpdate): Envelope =>
  createEnvelope('ScheduleUpdated', scheduleUpdatedData(schedule), at);

export const scheduleDeleted = ({ scheduleId, userId, version, at }: ScheduleDeletion): Envelope =>
  createEnvelope('ScheduleDeleted', { availability_schedule_id: scheduleId, user_id: userId, version }, at);
