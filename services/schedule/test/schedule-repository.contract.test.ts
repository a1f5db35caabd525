import { describeContract } from '@slotkeeper/testing';
import { expect, it } from 'vitest';
import { MemoryScheduleRepository } from '../src/adapters/memory/memory-schedule-repository.js';
import { MongoScheduleRepository } from '../src/adapters/mongo/mongo-schedule-repository.js';
import type { ScheduleRepository } from '../src/domain/schedule.js';
import { USER, workHours } from './fixtures.js';

await describeContract<ScheduleRepository>(
  'ScheduleRepository',
  { memory: () => new MemoryScheduleRepository(), mongo: (c) => new MongoScheduleRepository(c) },
  (schedules) => {
    it('when a schedule is created, then it reads back whole, overrides included', async () => {
      const created = await schedules().create(workHours('2030-01-01T00:00:00Z'));
      expect(await schedules().findById(created.id)).toEqual({ ...workHours('2030-01-01T00:00:00Z'), id: created.id });
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
  },
);
