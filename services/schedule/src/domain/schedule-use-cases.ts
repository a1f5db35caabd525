import { generateId } from '@slotkeeper/contracts';
import { assertOwner, NotFoundError, type Principal } from '@slotkeeper/errors';
import type { Clock } from '@slotkeeper/time';
import type { Schedule, ScheduleInput, ScheduleRepository, UserDirectory } from './schedule.js';

export interface ScheduleDeps {
  schedules: ScheduleRepository;
  userDirectory: UserDirectory;
  clock: Clock;
}

export async function createSchedule(actor: Principal, input: ScheduleInput, deps: ScheduleDeps): Promise<Schedule> {
  assertOwner(actor, input.userId, 'user');
  const user = await deps.userDirectory.find(input.userId);
  if (!user) throw new NotFoundError('user', input.userId);
  return deps.schedules.create({
    userId: user.id,
    name: input.name,
    timezone: input.timezone ?? user.timezone,
    timeSlots: input.timeSlots.map((slot) => ({ id: generateId(), ...slot })),
    dateOverrides: input.dateOverrides,
    createdAt: deps.clock.now(),
  });
}

export async function getSchedule(
  actor: Principal,
  id: string,
  { schedules }: Pick<ScheduleDeps, 'schedules'>,
): Promise<Schedule> {
  const schedule = await schedules.findById(id);
  if (!schedule) throw new NotFoundError('availability schedule', id);
  assertOwner(actor, schedule.userId, 'availability schedule');
  return schedule;
}

export async function listSchedules(actor: Principal, userId: string, deps: ScheduleDeps): Promise<Schedule[]> {
  assertOwner(actor, userId, 'user');
  if (!(await deps.userDirectory.find(userId))) throw new NotFoundError('user', userId);
  return deps.schedules.listByUser(userId);
}
