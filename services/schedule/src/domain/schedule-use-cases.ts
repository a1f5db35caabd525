import { generateId, type CreateScheduleBody } from '@slotkeeper/contracts';
import { NotFoundError } from '@slotkeeper/errors';
import type { Clock } from '@slotkeeper/time';
import type { Schedule, ScheduleRepository, UserDirectory } from './schedule.js';

export interface ScheduleDeps {
  schedules: ScheduleRepository;
  userDirectory: UserDirectory;
  clock: Clock;
}

export async function createSchedule(input: CreateScheduleBody, deps: ScheduleDeps): Promise<Schedule> {
  const user = await deps.userDirectory.find(input.user_id);
  if (!user) throw new NotFoundError('user', input.user_id);
  return deps.schedules.create({
    userId: user.id,
    name: input.name,
    timezone: input.timezone ?? user.timezone,
    timeSlots: input.time_slots.map((slot) => ({
      id: generateId(),
      dayOfWeek: slot.day_of_week,
      startTime: slot.start_time,
      endTime: slot.end_time,
    })),
    dateOverrides: input.date_overrides.map((override) => ({
      date: override.date,
      timeSlots: override.time_slots.map((slot) => ({ startTime: slot.start_time, endTime: slot.end_time })),
    })),
    createdAt: deps.clock.now(),
  });
}

export async function getSchedule(id: string, { schedules }: Pick<ScheduleDeps, 'schedules'>): Promise<Schedule> {
  const schedule = await schedules.findById(id);
  if (!schedule) throw new NotFoundError('availability schedule', id);
  return schedule;
}

export async function listSchedules(userId: string, deps: ScheduleDeps): Promise<Schedule[]> {
  if (!(await deps.userDirectory.find(userId))) throw new NotFoundError('user', userId);
  return deps.schedules.listByUser(userId);
}
