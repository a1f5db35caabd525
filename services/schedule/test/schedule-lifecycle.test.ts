import { createScheduleBody, updateScheduleBody } from '@slotkeeper/contracts';
import { ForbiddenError, NotFoundError, ServiceUnavailableError } from '@slotkeeper/errors';
import { ManualClock } from '@slotkeeper/time';
import { describe, expect, it } from 'vitest';
import { MemoryScheduleRepository } from '../src/adapters/memory/memory-schedule-repository.js';
import type { CalendarLinks, Schedule, UserDirectory } from '../src/domain/schedule.js';
import {
  createSchedule,
  deleteSchedule,
  getSchedule,
  ScheduleInUseError,
  updateSchedule,
  type ScheduleLifecycleDeps,
} from '../src/domain/schedule-use-cases.js';
import { toScheduleInput, toSchedulePatch } from '../src/http/schedules-routes.js';

const ANN = 'aaaaaaaaaaaaaaaaaaaaaaaa';
const BOB = 'bbbbbbbbbbbbbbbbbbbbbbbb';
const NOBODY = 'ffffffffffffffffffffffff';
const CAL = 'cccccccccccccccccccccccc';
const ann = { kind: 'user' as const, userId: ANN };
const bob = { kind: 'user' as const, userId: BOB };

/** The user service: Ann's zone is whatever the test sets. */
const users = { annZone: 'Europe/Berlin' };
const directory: UserDirectory = {
  find: async (userId) => (userId === ANN ? { id: ANN, timezone: users.annZone } : null),
};

/** The calendar service as this service sees it: which calendars link what, and whether it confirms. */
class CalendarServiceFake implements CalendarLinks {
  readonly applied: Schedule[] = [];
  linked = new Map<string, string[]>();
  down = false;

  async applyUpdate(schedule: Schedule): Promise<void> {
    if (this.down) throw new ServiceUnavailableError('calendar service unreachable');
    this.applied.push(schedule);
  }

  async linkingCalendars(scheduleId: string): Promise<string[]> {
    if (this.down) throw new ServiceUnavailableError('calendar service unreachable');
    return this.linked.get(scheduleId) ?? [];
  }
}

function system() {
  const schedules = new MemoryScheduleRepository();
  const calendars = new CalendarServiceFake();
  const flushed: string[] = [];
  const deps: ScheduleLifecycleDeps = {
    schedules,
    userDirectory: directory,
    clock: new ManualClock('2030-06-01T12:00:00Z'),
    calendars,
    outbox: { flush: async (id) => void flushed.push(id) },
  };
  return { deps, schedules, calendars, flushed };
}

const created = (deps: ScheduleLifecycleDeps) =>
  createSchedule(
    ann,
    toScheduleInput(
      createScheduleBody.parse({
        user_id: ANN,
        name: 'Office hours',
        timezone: 'Asia/Kolkata',
        time_slots: [{ day_of_week: 'monday', start_time: '09:00', end_time: '12:00' }],
        date_overrides: [{ date: '2030-12-24', time_slots: [] }],
      }),
    ),
    deps,
  );
const patch = (body: Record<string, unknown>) => toSchedulePatch(updateScheduleBody.parse(body));
const pending = async (schedules: MemoryScheduleRepository, id: string) =>
  (await schedules.outbox.pendingFor(id)).map(({ message }) => message);

describe('changing a schedule', () => {
  it('when the owner renames it, then only the name changes, the version rises, and the calendar service and the outbox get it', async () => {
    const { deps, schedules, calendars, flushed } = system();
    const schedule = await created(deps);

    const changed = await updateSchedule(ann, schedule.id, patch({ name: 'Evenings' }), deps, { requestId: 'r1' });

    expect(changed).toEqual({ ...schedule, name: 'Evenings', version: 2 });
    expect(await getSchedule(ann, schedule.id, deps)).toEqual(changed);
    expect(calendars.applied).toEqual([changed]);
    expect(flushed).toEqual([schedule.id]);
    expect(await schedules.outbox.pendingFor(schedule.id)).toEqual([
      {
        requestId: 'r1',
        message: expect.objectContaining({
          type: 'ScheduleUpdated',
          data: {
            schedule: {
              id: schedule.id,
              timezone: 'Asia/Kolkata',
              time_slots: [{ day_of_week: 'monday', start_time: '09:00', end_time: '12:00' }],
              date_overrides: [{ date: '2030-12-24', time_slots: [] }],
            },
            user_id: ANN,
            version: 2,
          },
        }),
      },
    ]);
  });

  it('when the lists are given, then each replaces its whole list, the slots with new ids', async () => {
    const { deps } = system();
    const schedule = await created(deps);

    const changed = await updateSchedule(
      ann,
      schedule.id,
      patch({
        time_slots: [{ day_of_week: 'friday', start_time: '14:00', end_time: '18:00' }],
        date_overrides: [{ date: '2030-07-01', time_slots: [{ start_time: '10:00', end_time: '11:00' }] }],
      }),
      deps,
    );

    expect(changed.timeSlots).toEqual([
      { id: expect.stringMatching(/^[0-9a-f]{24}$/), dayOfWeek: 'friday', startTime: '14:00', endTime: '18:00' },
    ]);
    expect(changed.timeSlots[0]!.id).not.toBe(schedule.timeSlots[0]!.id);
    expect(changed.dateOverrides).toEqual([
      { date: '2030-07-01', timeSlots: [{ startTime: '10:00', endTime: '11:00' }] },
    ]);
    expect((await updateSchedule(ann, schedule.id, patch({ date_overrides: null }), deps)).dateOverrides).toEqual([]);
  });

  it("when the zone is set to null, then it is the owner's current zone, asked of the user service", async () => {
    const { deps } = system();
    const schedule = await created(deps);
    users.annZone = 'America/New_York';

    expect((await updateSchedule(ann, schedule.id, patch({ timezone: null }), deps)).timezone).toBe('America/New_York');
    expect((await updateSchedule(ann, schedule.id, patch({ timezone: 'Asia/Tokyo' }), deps)).timezone).toBe(
      'Asia/Tokyo',
    );
    users.annZone = 'Europe/Berlin';
  });

  it('when nothing is asked to change, then nothing is written and no one is told', async () => {
    const { deps, calendars, schedules } = system();
    const schedule = await created(deps);

    expect(await updateSchedule(ann, schedule.id, patch({}), deps)).toEqual(schedule);
    expect(calendars.applied).toEqual([]);
    expect(await pending(schedules, schedule.id)).toEqual([]);
  });

  it('when the calendar service does not confirm, then 503, yet the change is saved with its message', async () => {
    const { deps, calendars, schedules } = system();
    const schedule = await created(deps);
    calendars.down = true;

    await expect(updateSchedule(ann, schedule.id, patch({ name: 'Evenings' }), deps)).rejects.toBeInstanceOf(
      ServiceUnavailableError,
    );

    expect(await getSchedule(ann, schedule.id, deps)).toMatchObject({ name: 'Evenings', version: 2 });
    expect((await pending(schedules, schedule.id)).map((m) => m.type)).toEqual(['ScheduleUpdated']);
  });

  it('when two changes race, then both land, one version after the other', async () => {
    const { deps } = system();
    const schedule = await created(deps);

    const [a, b] = await Promise.all([
      updateSchedule(ann, schedule.id, patch({ name: 'A' }), deps),
      updateSchedule(ann, schedule.id, patch({ timezone: 'Asia/Tokyo' }), deps),
    ]);

    expect([a.version, b.version].sort()).toEqual([2, 3]);
    expect(await getSchedule(ann, schedule.id, deps)).toMatchObject({ name: 'A', timezone: 'Asia/Tokyo', version: 3 });
  });

  it('when another user changes it, then 403; an unknown one, 404; nothing is written', async () => {
    const { deps, calendars } = system();
    const schedule = await created(deps);

    await expect(updateSchedule(bob, schedule.id, patch({ name: 'Mine' }), deps)).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    await expect(updateSchedule(ann, NOBODY, patch({ name: 'Mine' }), deps)).rejects.toBeInstanceOf(NotFoundError);
    expect((await getSchedule(ann, schedule.id, deps)).version).toBe(1);
    expect(calendars.applied).toEqual([]);
  });
});

describe('deleting a schedule', () => {
  it('when no calendar links it, then it is gone with its ScheduleDeleted message at the next version', async () => {
    const { deps, schedules, flushed } = system();
    const schedule = await created(deps);

    await deleteSchedule(ann, schedule.id, deps);

    await expect(getSchedule(ann, schedule.id, deps)).rejects.toBeInstanceOf(NotFoundError);
    expect((await pending(schedules, schedule.id)).map((m) => [m.type, m.data])).toEqual([
      ['ScheduleDeleted', { availability_schedule_id: schedule.id, user_id: ANN, version: 2 }],
    ]);
    expect(flushed).toEqual([schedule.id]);
  });

  it('when calendars link it, then it refuses naming how many, and keeps the schedule', async () => {
    const { deps, calendars, schedules } = system();
    const schedule = await created(deps);
    calendars.linked.set(schedule.id, [CAL, 'cccccccccccccccccccccccd']);

    const refused = deleteSchedule(ann, schedule.id, deps);

    await expect(refused).rejects.toBeInstanceOf(ScheduleInUseError);
    await expect(refused).rejects.toThrow(/linked by 2 calendars/);
    expect(await getSchedule(ann, schedule.id, deps)).toEqual(schedule);
    expect(await pending(schedules, schedule.id)).toEqual([]);
  });

  it('when the calendar service cannot say, then 503 and nothing is deleted', async () => {
    const { deps, calendars } = system();
    const schedule = await created(deps);
    calendars.down = true;

    await expect(deleteSchedule(ann, schedule.id, deps)).rejects.toBeInstanceOf(ServiceUnavailableError);
    expect(await getSchedule(ann, schedule.id, deps)).toEqual(schedule);
  });

  it('when another user deletes it, then 403; an unknown one, 404', async () => {
    const { deps } = system();
    const schedule = await created(deps);

    await expect(deleteSchedule(bob, schedule.id, deps)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(deleteSchedule(ann, NOBODY, deps)).rejects.toBeInstanceOf(NotFoundError);
    expect(await getSchedule(ann, schedule.id, deps)).toEqual(schedule);
  });
});
