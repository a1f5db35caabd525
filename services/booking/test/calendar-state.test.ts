import { describe, expect, it } from 'vitest';
import { compiledOnce } from '../src/domain/calendar-state.js';
import type { CalendarLedger } from '../src/domain/ledger.js';

const snapshot = () => ({
  id: 'cccccccccccccccccccccccc',
  timezone: 'Europe/Berlin',
  time_slots: [{ day_of_week: 'monday' as const, start_time: '09:00', end_time: '17:00' }],
  date_overrides: [],
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
