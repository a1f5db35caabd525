import { describeContract } from '@slotkeeper/testing';
import { expect, it } from 'vitest';
import { MemoryScheduleRepository } from '../src/adapters/memory/memory-schedule-repository.js';
import { MongoScheduleRepository } from '../src/adapters/mongo/mongo-schedule-repository.js';
import type { NewSchedule, ScheduleRepository } from '../src/domain/schedule.js';

const USER = 'aaaaaaaaaaaaaaaaaaaaaaaa';
const work = (createdAt: string, userId = USER): NewSchedule => ({
  userId,
  name: 'Work hours',
  timezone: 'Europe/Berlin',
  timeSlots: [{ id: 'bbbbbbbbbbbbbbbbbbbbbbbb', dayOfWeek: 'monday', startTime: '09:00', endTime: '12:00' }],
  dateOverrides: [
    { date: '2030-06-25', timeSlots: [{ startTime: '10:00', endTime: '11:00' }] },
    { date: '2030-12-25', timeSlots: [] },
  ],
  createdAt: new Date(createdAt),
});

await describeContract<ScheduleRepository>(
  'ScheduleRepository',
  { memory: () => new MemoryScheduleRepository(), mongo: (c) => new MongoScheduleRepository(c) },
  (schedules) => {
    it('when a schedule is created, then it reads back whole, overrides included', async () => {
      const created = await schedules().create(work('2030-01-01T00:00:00Z'));
      expect(await schedules().findById(created.id)).toEqual({ ...work('2030-01-01T00:00:00Z'), id: created.id });
    });

    it("when listing by user, then only that user's schedules come back, oldest first", async () => {
      const second = await schedules().create(work('2030-01-02T00:00:00Z'));
      const first = await schedules().create(work('2030-01-01T00:00:00Z'));
      await schedules().create(work('2030-01-01T00:00:00Z', 'cccccccccccccccccccccccc'));
      expect((await schedules().listByUser(USER)).map((s) => s.id)).toEqual([first.id, second.id]);
    });

    it('when the id is unknown, then nothing is found', async () => {
      expect(await schedules().findById('0123456789abcdef01234567')).toBeNull();
    });
  },
);
