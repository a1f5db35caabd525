import { createScheduleBody } from '@slotkeeper/contracts';
import { ForbiddenError, NotFoundError, UnauthorizedError } from '@slotkeeper/errors';
import { ManualClock } from '@slotkeeper/time';
import { describe, expect, it } from 'vitest';
import { MemoryScheduleRepository } from '../src/adapters/memory/memory-schedule-repository.js';
import type { UserDirectory } from '../src/domain/schedule.js';
import { createSchedule, getSchedule, listSchedules, type ScheduleDeps } from '../src/domain/schedule-use-cases.js';
import { toScheduleInput } from '../src/http/schedules-routes.js';

const ANN = 'aaaaaaaaaaaaaaaaaaaaaaaa';
const BOB = 'bbbbbbbbbbbbbbbbbbbbbbbb';
const NOBODY = 'ffffffffffffffffffffffff';
const ann = { kind: 'user' as const, userId: ANN };
const bob = { kind: 'user' as const, userId: BOB };
const calendarService = { kind: 'service' as const, service: 'calendar' };

/** The user service, as this service asks it: two users in their own zones. */
const directory: UserDirectory = {
  find: async (userId) =>
    ({ [ANN]: { id: ANN, timezone: 'Europe/Berlin' }, [BOB]: { id: BOB, timezone: 'Asia/Kolkata' } })[userId] ?? null,
};

function system() {
  const clock = new ManualClock('2030-06-01T12:00:00Z');
  const deps: ScheduleDeps = { schedules: new MemoryScheduleRepository(), userDirectory: directory, clock };
  return { deps, clock };
}
/** A request as the route hands it to the use case: parsed by the contract, in the domain's terms. */
const body = (userId: string, more: Record<string, unknown> = {}) =>
  toScheduleInput(
    createScheduleBody.parse({
      user_id: userId,
      name: 'Office hours',
      time_slots: [
        { day_of_week: 'monday', start_time: '09:00', end_time: '12:00' },
        { day_of_week: 'monday', start_time: '13:00', end_time: '17:00' },
      ],
      date_overrides: [{ date: '2030-12-24', time_slots: [{ start_time: '09:00', end_time: '11:00' }] }],
      ...more,
    }),
  );

describe('creating a schedule', () => {
  it('when a user creates one without a zone, then it is stored in their zone, each slot with an id of its own', async () => {
    const { deps } = system();
    const schedule = await createSchedule(ann, body(ANN), deps);
    expect(schedule).toMatchObject({
      userId: ANN,
      name: 'Office hours',
      timezone: 'Europe/Berlin',
      timeSlots: [
        { dayOfWeek: 'monday', startTime: '09:00', endTime: '12:00' },
        { dayOfWeek: 'monday', startTime: '13:00', endTime: '17:00' },
      ],
      dateOverrides: [{ date: '2030-12-24', timeSlots: [{ startTime: '09:00', endTime: '11:00' }] }],
      createdAt: new Date('2030-06-01T12:00:00Z'),
    });
    const [first, second] = schedule.timeSlots.map((slot) => slot.id);
    expect(first).toMatch(/^[0-9a-f]{24}$/);
    expect(second).not.toBe(first);
    expect(await getSchedule(ann, schedule.id, deps)).toEqual(schedule);
  });

  it('when a zone is given, then it is kept', async () => {
    const { deps } = system();
    expect((await createSchedule(ann, body(ANN, { timezone: 'america/new_york' }), deps)).timezone).toBe(
      'America/New_York',
    );
  });

  it('when a user creates one for another user, then 403; without credentials, 401; nothing is stored', async () => {
    const { deps } = system();
    await expect(createSchedule(bob, body(ANN), deps)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(createSchedule({ kind: 'anonymous' }, body(ANN), deps)).rejects.toBeInstanceOf(UnauthorizedError);
    expect(await listSchedules(ann, ANN, deps)).toEqual([]);
  });

  it('when the user does not exist, then not found', async () => {
    const { deps } = system();
    await expect(createSchedule(calendarService, body(NOBODY), deps)).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('reading schedules', () => {
  it('when the owner or a service reads a schedule, then they get it; another user gets 403', async () => {
    const { deps } = system();
    const schedule = await createSchedule(ann, body(ANN), deps);
    expect(await getSchedule(calendarService, schedule.id, deps)).toEqual(schedule);
    await expect(getSchedule(bob, schedule.id, deps)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(getSchedule({ kind: 'anonymous' }, schedule.id, deps)).rejects.toBeInstanceOf(UnauthorizedError);
  });

  it('when the schedule does not exist, then not found, whoever asks', async () => {
    const { deps } = system();
    await expect(getSchedule(ann, NOBODY, deps)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('lists a user’s own schedules, oldest first, and none of another user’s', async () => {
    const { deps, clock } = system();
    const first = await createSchedule(ann, body(ANN, { name: 'First' }), deps);
    clock.advance(1);
    await createSchedule(bob, body(BOB), deps);
    clock.advance(1);
    const second = await createSchedule(ann, body(ANN, { name: 'Second' }), deps);
    expect(await listSchedules(ann, ANN, deps)).toEqual([first, second]);
  });

  it('when a user lists another user’s schedules, then 403; an unknown user’s, not found', async () => {
    const { deps } = system();
    await expect(listSchedules(bob, ANN, deps)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(listSchedules(calendarService, NOBODY, deps)).rejects.toBeInstanceOf(NotFoundError);
  });
});
