import { generateId } from '@slotkeeper/contracts';
import {
  assertOwner,
  ConflictError,
  foundAndOwned,
  NotFoundError,
  ServiceUnavailableError,
  type Principal,
} from '@slotkeeper/errors';
import type { Clock } from '@slotkeeper/time';
import type {
  CalendarLinks,
  OutboxPublisher,
  Schedule,
  ScheduleInput,
  SchedulePatch,
  ScheduleRepository,
  UserDirectory,
} from './schedule.js';

export interface ScheduleDeps {
  schedules: ScheduleRepository;
  userDirectory: UserDirectory;
  clock: Clock;
}

/** What changing or deleting a schedule needs besides: the calendar service and the outbox relay. */
export interface ScheduleLifecycleDeps extends ScheduleDeps {
  calendars: CalendarLinks;
  outbox: OutboxPublisher;
}

/** The request a use case serves: its id is published with the messages it writes. */
export interface RequestContext {
  requestId?: string | undefined;
}

/** A schedule still linked by calendars cannot be deleted (their availability would lose it). */
export class ScheduleInUseError extends ConflictError {
  constructor(
    readonly scheduleId: string,
    readonly calendarCount: number,
  ) {
    super(
      `availability schedule ${scheduleId} is linked by ${calendarCount} calendar${calendarCount === 1 ? '' : 's'}; ` +
        'unlink it from them first',
    );
  }
}

/** Saves lost to concurrent changes are retried on a fresh read this many times, then 503. */
const MAX_ATTEMPTS = 5;

const slotsWithIds = (slots: ScheduleInput['timeSlots']) => slots.map((slot) => ({ id: generateId(), ...slot }));

async function ownerTimezone(userId: string, users: UserDirectory): Promise<string> {
  const user = await users.find(userId);
  if (!user) throw new NotFoundError('user', userId);
  return user.timezone;
}

export async function createSchedule(actor: Principal, input: ScheduleInput, deps: ScheduleDeps): Promise<Schedule> {
  assertOwner(actor, input.userId, 'user');
  const user = await deps.userDirectory.find(input.userId);
  if (!user) throw new NotFoundError('user', input.userId);
  return deps.schedules.create({
    userId: user.id,
    name: input.name,
    timezone: input.timezone ?? user.timezone,
    timeSlots: slotsWithIds(input.timeSlots),
    dateOverrides: input.dateOverrides,
    createdAt: deps.clock.now(),
    version: 1,
  });
}

export async function getSchedule(
  actor: Principal,
  id: string,
  { schedules }: Pick<ScheduleDeps, 'schedules'>,
): Promise<Schedule> {
  return foundAndOwned(actor, await schedules.findById(id), 'availability schedule', id);
}

export async function listSchedules(actor: Principal, userId: string, deps: ScheduleDeps): Promise<Schedule[]> {
  assertOwner(actor, userId, 'user');
  if (!(await deps.userDirectory.find(userId))) throw new NotFoundError('user', userId);
  return deps.schedules.listByUser(userId);
}

const isEmpty = (patch: SchedulePatch) => Object.values(patch).every((value) => value === undefined);

/**
 * Changes a schedule and answers only once every calendar linking it offers the new hours (read
 * your writes). The change and its `ScheduleUpdated` message are saved together, conditional on
 * the version read; the calendar service is then told directly, and when it cannot confirm in
 * time the answer is a 503 with the change saved: the message brings it into force.
 */
export async function updateSchedule(
  actor: Principal,
  id: string,
  patch: SchedulePatch,
  deps: ScheduleLifecycleDeps,
  context: RequestContext = {},
): Promise<Schedule> {
  for (let attempt = 1; ; attempt++) {
    const current = await getSchedule(actor, id, deps);
    if (isEmpty(patch)) return current;
    const timezone = patch.timezone === null ? await ownerTimezone(current.userId, deps.userDirectory) : patch.timezone;
    const next: Schedule = {
      ...current,
      ...(patch.name !== undefined && { name: patch.name }),
      ...(timezone !== undefined && { timezone }),
      ...(patch.timeSlots && { timeSlots: slotsWithIds(patch.timeSlots) }),
      ...(patch.dateOverrides && { dateOverrides: patch.dateOverrides }),
      version: current.version + 1,
    };
    if (await deps.schedules.save({ schedule: next, at: deps.clock.now() }, current.version, context.requestId)) {
      // Not awaited: a broker holding its confirms must not hold the answer.
      void deps.outbox.flush(id);
      await deps.calendars.applyUpdate(next);
      return next;
    }
    if (attempt === MAX_ATTEMPTS) throw new ServiceUnavailableError(`schedule ${id} is changing too often; try again`);
  }
}

/**
 * Deletes a schedule that no calendar links. A link made while this runs is undone by the
 * calendar service when it consumes `ScheduleDeleted`, so no calendar keeps a deleted schedule.
 */
export async function deleteSchedule(
  actor: Principal,
  id: string,
  deps: ScheduleLifecycleDeps,
  context: RequestContext = {},
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const current = await getSchedule(actor, id, deps);
    const linking = await deps.calendars.linkingCalendars(id);
    if (linking.length > 0) throw new ScheduleInUseError(id, linking.length);
    const deletion = { scheduleId: id, userId: current.userId, version: current.version + 1, at: deps.clock.now() };
    if (await deps.schedules.delete(deletion, current.version, context.requestId)) {
      void deps.outbox.flush(id);
      return;
    }
    if (attempt === MAX_ATTEMPTS) throw new ServiceUnavailableError(`schedule ${id} is changing too often; try again`);
  }
}
