import type { NewSchedule } from '../src/domain/schedule.js';

export const USER = 'aaaaaaaaaaaaaaaaaaaaaaaa';

/** Work hours in Berlin, with an override of one date and Christmas Day closed, as the domain hands them to the store. */
export const workHours = (createdAt = '2030-01-01T00:00:00Z', userId = USER): NewSchedule => ({
  userId,
  name: 'Work hours',
  timezone: 'Europe/Berlin',
  timeSlots: [{ id: 'bbbbbbbbbbbbbbbbbbbbbbbb', dayOfWeek: 'monday', startTime: '09:00', endTime: '12:00' }],
  dateOverrides: [
    { date: '2030-06-25', timeSlots: [{ startTime: '10:00', endTime: '11:00' }] },
    { date: '2030-12-25', timeSlots: [] },
  ],
  createdAt: new Date(createdAt),
  version: 1,
});
