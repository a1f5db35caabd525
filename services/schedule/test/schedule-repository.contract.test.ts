import type { WithOutbox } from '@slotkeeper/messaging';
import { describeContract } from '@slotkeeper/testing';
import { expect, it } from 'vitest';
import { MemoryScheduleRepository } from '../src/adapters/memory/memory-schedule-repository.js';
import { MongoScheduleRepository } from '../src/adapters/mongo/mongo-schedule-repository.js';
import type { ScheduleRepository } from '../src/domain/schedule.js';
import { USER, workHours } from './fixtures.js';

const AT = new Date('2030-06-01T12:00:00Z');

await describeContract<ScheduleRepository & WithOutbox>(
  'ScheduleRepository',
  { memory: () => new MemoryScheduleRepository(), mongo: (c) => new MongoScheduleRepository(c) },
  (schedules) => {
    const pendingTypes = async (id: string) =>
      (await schedules().outbox.pendingFor(id)).map(({ message }) => [message.type, message.data]);

    it('when a schedule is created, then it reads back whole, overrides included, at version 1', async () => {
      const created = await schedules().create(workHours('2030-01-01T00:00:00Z'));
      expect(await schedules().findById(created.id)).toEqual({ ...workHours('2030-01-01T00:00:00Z'), id: created.id });
      expect(created.version).toBe(1);
    });

    it("when listing by user, then only that user's schedules come back, oldest first", async () => {
      const second = await schedules().create(workHours('2030-01-02T00:00:00Z'));
      const first = await schedules().create(workHours('2030-01-01T00:00:00Z'));
      await schedules().create(workHours('2030-01-01T00:00:00Z', 'cccccccccccccccccccccccc'));
      expect((await schedules().listByUser(USER)).map((s) => s.id)).toEqual([first.id, second.id]);
    });

    it('when the id is unknown, then nothing is found', async () => {
      expect(await schedules().findById('0123456789abcdef01234567')).toBeNull();
    });

    it('when a schedule is saved at the version read, then it reads back changed and its ScheduleUpdated is pending', async () => {
      const created = await schedules().create(workHours());
      const next = { ...created, name: 'Late hours', dateOverrides: [], version: 2 };

      expect(await schedules().save({ schedule: next, at: AT }, 1)).toBe(true);

      expect(await schedules().findById(created.id)).toEqual(next);
      expect(await pendingTypes(created.id)).toEqual([
        ['ScheduleUpdated', expect.objectContaining({ user_id: USER, version: 2 })],
      ]);
    });

    it('when a schedule is saved at a version no longer stored, then nothing changes and no message is pending', async () => {
      const created = await schedules().create(workHours());
      await schedules().save({ schedule: { ...created, name: 'First', version: 2 }, at: AT }, 1);

      expect(await schedules().save({ schedule: { ...created, name: 'Second', version: 2 }, at: AT }, 1)).toBe(false);

      expect((await schedules().findById(created.id))?.name).toBe('First');
      expect(await pendingTypes(created.id)).toHaveLength(1);
    });

    it('when a schedule is deleted at the version read, then it is gone and its ScheduleDeleted is pending', async () => {
      const created = await schedules().create(workHours());

      expect(await schedules().delete({ scheduleId: created.id, userId: USER, version: 2, at: AT }, 1)).toBe(true);

      expect(await schedules().findById(created.id)).toBeNull();
      expect(await pendingTypes(created.id)).toEqual([
        ['ScheduleDeleted', { availability_schedule_id: created.id, user_id: USER, version: 2 }],
      ]);
    });

    it('when a delete finds another version (or nothing), then nothing is deleted and no message is pending', async () => {
      const created = await schedules().create(workHours());
      const deletion = { scheduleId: created.id, userId: USER, version: 3, at: AT };

      expect(await schedules().delete(deletion, 2)).toBe(false);
      expect(await schedules().delete({ ...deletion, scheduleId: '0123456789abcdef01234567' }, 1)).toBe(false);

      expect(await schedules().findById(created.id)).not.toBeNull();
      expect(await pendingTypes(created.id)).toEqual([]);
    });
  },
);
