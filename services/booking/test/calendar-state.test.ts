import { describe, expect, it } from 'vitest';
import { compiledOnce } from '../src/domain/calendar-state.js';
import type { CalendarLedger, LinkedSchedule } from '../src/domain/ledger.js';

const snapshot = (): LinkedSchedule => ({
  id: 'cccccccccccccccccccccccc',
  timezone: 'Europe/Berlin',
  timeSlots: [{ dayOfWeek: 'monday', startTime: '09:00', endTime: '17:00' }],
  dateOverrides: [],
});
const ledger = (version: number): Pick<CalendarLedger, 'calendarId' | 'version'> => ({
  calendarId: 'aaaaaaaaaaaaaaaaaaaaaaaa',
  version,
});

describe('compiled schedules', () => {
  it('when a store hands out a fresh copy of the same snapshot, then the schedule is compiled once', () => {
    // MongoDB decodes a new object for every read: a cache keyed by object identity never hit.
    expect(compiledOnce(ledger(1), snapshot())).toBe(compiledOnce(ledger(1), snapshot()));
  });

  it('when the calendar changed (a new version), then the schedule is compiled again', () => {
    expect(compiledOnce(ledger(2), snapshot())).not.toBe(compiledOnce(ledger(3), snapshot()));
  });
});
