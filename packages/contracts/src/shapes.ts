/*
 * The shapes several services share, camelCase as their domains use them, and the one pair of
 * converters per shape between them and the contract's snake_case: every edge (HTTP schemas,
 * messages, MongoDB documents) converts with these. Plain data and pure functions, so domain code
 * may import them too.
 */
import type { BookingRules } from './calendars.js';
import type { DayOfWeek } from './common.js';

/** How a calendar's slots are offered and booked. */
export interface Rules {
  meetingDurationMinutes: number | null;
  bufferBeforeMinutes: number;
  bufferAfterMinutes: number;
  minNoticeMinutes: number;
  /** How far apart listed slots start; null: the slot length. */
  slotIntervalMinutes: number | null;
  /** Nothing ends later than now + this many days; null: no limit. */
  bookingHorizonDays: number | null;
}

/** A calendar's rules when none is set (a new calendar's defaults): any length, no buffers, notice or horizon. */
export const defaultRules: Readonly<Rules> = Object.freeze({
  meetingDurationMinutes: null,
  bufferBeforeMinutes: 0,
  bufferAfterMinutes: 0,
  minNoticeMinutes: 0,
  slotIntervalMinutes: null,
  bookingHorizonDays: null,
});

/**
 * Booking rules as bodies, messages and documents carry them: a body, or a document stored before
 * a rule existed, may lack the optional ones.
 */
export interface WireRulesInput {
  meeting_duration_minutes?: number | null | undefined;
  buffer_before_minutes: number;
  buffer_after_minutes: number;
  min_notice_minutes: number;
  slot_interval_minutes?: number | null | undefined;
  booking_horizon_days?: number | null | undefined;
}

export const rulesFromWire = (rules: WireRulesInput): Rules => ({
  meetingDurationMinutes: rules.meeting_duration_minutes ?? null,
  bufferBeforeMinutes: rules.buffer_before_minutes,
  bufferAfterMinutes: rules.buffer_after_minutes,
  minNoticeMinutes: rules.min_notice_minutes,
  slotIntervalMinutes: rules.slot_interval_minutes ?? null,
  bookingHorizonDays: rules.booking_horizon_days ?? null,
});

export const rulesToWire = (rules: Rules): BookingRules => ({
  meeting_duration_minutes: rules.meetingDurationMinutes,
  buffer_before_minutes: rules.bufferBeforeMinutes,
  buffer_after_minutes: rules.bufferAfterMinutes,
  min_notice_minutes: rules.minNoticeMinutes,
  slot_interval_minutes: rules.slotIntervalMinutes,
  booking_horizon_days: rules.bookingHorizonDays,
});

/** Wall-clock times "HH:mm" in the schedule's zone; the end may be "24:00". */
export interface TimeRange {
  startTime: string;
  endTime: string;
}
export interface WireTimeRange {
  start_time: string;
  end_time: string;
}

export interface WeeklySlot extends TimeRange {
  dayOfWeek: DayOfWeek;
}
export interface WireWeeklySlot extends WireTimeRange {
  day_of_week: DayOfWeek;
}

/** A date's own slots, in place of its weekly ones (none: closed that day). */
export interface DateOverride {
  /** `YYYY-MM-DD` in the schedule's zone. */
  date: string;
  timeSlots: TimeRange[];
}
export interface WireDateOverride {
  date: string;
  time_slots: WireTimeRange[];
}

/**
 * A schedule's hours: weekly slots and date overrides in its zone. Where a schedule's slots
 * carry ids (the schedule service's do, the messages' snapshots do not), `Slot` says so. Whose
 * schedule and its id are each edge's own: the id is `_id`, `id` or `availability_schedule_id`.
 */
export interface WeeklySchedule<Slot extends WeeklySlot = WeeklySlot> {
  timezone: string;
  timeSlots: Slot[];
  dateOverrides: DateOverride[];
}
export interface WireWeeklySchedule<Slot extends WireWeeklySlot = WireWeeklySlot> {
  timezone: string;
  time_slots: Slot[];
  date_overrides: WireDateOverride[];
}

/** A slot's fields named alike in both cases (its `id`, where it has one) stay as they are. */
export type SlotFromWire<S extends WireWeeklySlot> = Omit<S, keyof WireWeeklySlot> & WeeklySlot;
export type SlotToWire<S extends WeeklySlot> = Omit<S, keyof WeeklySlot> & WireWeeklySlot;

const timeRangeFromWire = (range: WireTimeRange): TimeRange => ({
  startTime: range.start_time,
  endTime: range.end_time,
});
const timeRangeToWire = (range: TimeRange): WireTimeRange => ({
  start_time: range.startTime,
  end_time: range.endTime,
});

export function weeklySlotFromWire<S extends WireWeeklySlot>(slot: S): SlotFromWire<S> {
  const { day_of_week, start_time, end_time, ...same } = slot;
  return { ...same, dayOfWeek: day_of_week, startTime: start_time, endTime: end_time };
}
export function weeklySlotToWire<S extends WeeklySlot>(slot: S): SlotToWire<S> {
  const { dayOfWeek, startTime, endTime, ...same } = slot;
  return { ...same, day_of_week: dayOfWeek, start_time: startTime, end_time: endTime };
}

export const dateOverrideFromWire = (override: WireDateOverride): DateOverride => ({
  date: override.date,
  timeSlots: override.time_slots.map(timeRangeFromWire),
});
export const dateOverrideToWire = (override: DateOverride): WireDateOverride => ({
  date: override.date,
  time_slots: override.timeSlots.map(timeRangeToWire),
});

export const scheduleFromWire = <S extends WireWeeklySlot>(
  schedule: WireWeeklySchedule<S>,
): WeeklySchedule<SlotFromWire<S>> => ({
  timezone: schedule.timezone,
  timeSlots: schedule.time_slots.map(weeklySlotFromWire),
  dateOverrides: schedule.date_overrides.map(dateOverrideFromWire),
});
export const scheduleToWire = <S extends WeeklySlot>(
  schedule: WeeklySchedule<S>,
): WireWeeklySchedule<SlotToWire<S>> => ({
  timezone: schedule.timezone,
  time_slots: schedule.timeSlots.map(weeklySlotToWire),
  date_overrides: schedule.dateOverrides.map(dateOverrideToWire),
});

export type EventStatus = 'confirmed' | 'canceled';

/** An event on a calendar: what a booking made, as every service that learns of it reads it. */
export interface CalendarEvent {
  id: string;
  calendarId: string;
  title: string;
  start: Date;
  end: Date;
  bookedBy: string;
  bookerName: string | null;
  notes: string | null;
  guests: string[];
  status: EventStatus;
  createdAt: Date;
}

/** The contract's Event with its instants as `T`: strings in bodies and messages, Dates in documents. */
export interface WireEvent<T> {
  id: string;
  calendar_id: string;
  title: string;
  start_time: T;
  end_time: T;
  booked_by: string;
  booker_name: string | null;
  notes: string | null;
  guests: string[];
  status: EventStatus;
  created_at: T;
}

/** `instant`: how the edge writes a Date (ISO in messages, the asked zone in answers, as is in documents). */
export const eventToWire = <T>(event: CalendarEvent, instant: (date: Date) => T): WireEvent<T> => ({
  id: event.id,
  calendar_id: event.calendarId,
  title: event.title,
  start_time: instant(event.start),
  end_time: instant(event.end),
  booked_by: event.bookedBy,
  booker_name: event.bookerName,
  notes: event.notes,
  guests: event.guests,
  status: event.status,
  created_at: instant(event.createdAt),
});

/** An event as `eventFromWire` reads it: a document stored before `booker_name` and `notes` lacks them. */
export type WireEventInput<T> = Omit<WireEvent<T>, 'booker_name' | 'notes'> &
  Partial<Pick<WireEvent<T>, 'booker_name' | 'notes'>>;

/** `toDate`: how the edge reads an instant back. */
export const eventFromWire = <T>(event: WireEventInput<T>, toDate: (instant: T) => Date): CalendarEvent => ({
  id: event.id,
  calendarId: event.calendar_id,
  title: event.title,
  start: toDate(event.start_time),
  end: toDate(event.end_time),
  bookedBy: event.booked_by,
  bookerName: event.booker_name ?? null,
  notes: event.notes ?? null,
  guests: event.guests,
  status: event.status,
  createdAt: toDate(event.created_at),
});
