import type { BookingRules, CalendarEvent, MessageData } from '@slotkeeper/contracts';

/** An event as EventBooked carries it, for tests of consumers and buses. */
export const sampleEvent: MessageData<'EventBooked'> = {
  id: '111111111111111111111111',
  calendar_id: '222222222222222222222222',
  title: 'Intro call',
  start_time: '2030-06-24T07:00:00.000Z',
  end_time: '2030-06-24T07:30:00.000Z',
  booked_by: 'ann@example.com',
  booker_name: null,
  notes: null,
  guests: ['bob@example.com', 'cy@example.com'],
  status: 'confirmed',
  created_at: '2030-06-01T00:00:00.000Z',
  version: 1,
};

/** `sampleEvent` as the domain reads it: camelCase, with dates; spelled out, so it checks the conversion. */
export const sampleCalendarEvent: CalendarEvent = {
  id: '111111111111111111111111',
  calendarId: '222222222222222222222222',
  title: 'Intro call',
  start: new Date('2030-06-24T07:00:00.000Z'),
  end: new Date('2030-06-24T07:30:00.000Z'),
  bookedBy: 'ann@example.com',
  bookerName: null,
  notes: null,
  guests: ['bob@example.com', 'cy@example.com'],
  status: 'confirmed',
  createdAt: new Date('2030-06-01T00:00:00.000Z'),
};

/** A calendar's booking rules: the defaults a new calendar gets, with `overrides`. */
export const calendarRules = (overrides: Partial<BookingRules> = {}): BookingRules => ({
  meeting_duration_minutes: null,
  buffer_before_minutes: 0,
  buffer_after_minutes: 0,
  min_notice_minutes: 0,
  slot_interval_minutes: null,
  booking_horizon_days: null,
  ...overrides,
});
