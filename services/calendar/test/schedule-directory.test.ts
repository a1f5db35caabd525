import type { ScheduleResponse } from '@slotkeeper/contracts';
import { versionFromEtag } from '@slotkeeper/service-clients';
import { describe, expect, it } from 'vitest';
import { ScheduleServiceDirectory } from '../src/adapters/schedule-directory.js';

/** A schedule as the schedule service answers it. */
const answered: ScheduleResponse = {
  id: 'cccccccccccccccccccccccc',
  user_id: 'aaaaaaaaaaaaaaaaaaaaaaaa',
  name: 'Work',
  timezone: 'Europe/Berlin',
  time_slots: [{ id: 'dddddddddddddddddddddddd', day_of_week: 'monday', start_time: '09:00', end_time: '12:00' }],
  date_overrides: [{ date: '2030-12-24', time_slots: [{ start_time: '09:00', end_time: '11:00' }] }],
  created_at: '2030-01-01T00:00:00.000Z',
};

describe('schedules from the schedule service', () => {
  it('when the service answers a schedule, then the domain gets it whole, in its own terms', async () => {
    const directory = new ScheduleServiceDirectory({
      findTagged: async (id) => (id === answered.id ? { value: answered, etag: '"4"' } : null),
    });
    expect((await directory.find(answered.id))?.version).toBe(4);
    expect((await directory.find(answered.id))?.schedule).toEqual({
      id: 'cccccccccccccccccccccccc',
      userId: 'aaaaaaaaaaaaaaaaaaaaaaaa',
      name: 'Work',
      timezone: 'Europe/Berlin',
      timeSlots: [{ id: 'dddddddddddddddddddddddd', dayOfWeek: 'monday', startTime: '09:00', endTime: '12:00' }],
      dateOverrides: [{ date: '2030-12-24', timeSlots: [{ startTime: '09:00', endTime: '11:00' }] }],
      createdAt: new Date('2030-01-01T00:00:00.000Z'),
    });
  });

  it('when the service knows no such schedule, then none is found', async () => {
    const directory = new ScheduleServiceDirectory({ findTagged: async () => null });
    expect(await directory.find('ffffffffffffffffffffffff')).toBeNull();
  });

  it('when the answer names no version, then the snapshot is version 0 (older than any change)', async () => {
    const directory = new ScheduleServiceDirectory({ findTagged: async () => ({ value: answered, etag: undefined }) });
    expect((await directory.find(answered.id))?.version).toBe(0);
  });
});

describe("a schedule's version from its ETag", () => {
  it('when the ETag is strong or weak, then its number; when absent or not a version, then 0', () => {
    expect(['"7"', 'W/"12"', undefined, '"abc"', '7'].map(versionFromEtag)).toEqual([7, 12, 0, 0, 0]);
  });
});
