import type { DayOfWeek } from '@slotkeeper/contracts';
import type { DateOverride, Schedule, TimeSlot } from './schedule.js';

/** A schedule's slots and overrides in the contract's snake_case shape (API, documents). */
export interface WireSlots<Day extends string = DayOfWeek> {
  time_slots: Array<{ id: string; day_of_week: Day; start_time: string; end_time: string }>;
  date_overrides: Array<{ date: string; time_slots: Array<{ start_time: string; end_time: string }> }>;
}

export function toWireSlots(schedule: Pick<Schedule, 'timeSlots' | 'dateOverrides'>): WireSlots {
  return {
    time_slots: schedule.timeSlots.map((t) => ({
      id: t.id,
      day_of_week: t.dayOfWeek,
      start_time: t.startTime,
      end_time: t.endTime,
    })),
    date_overrides: schedule.dateOverrides.map((o) => ({
      date: o.date,
      time_slots: o.timeSlots.map((t) => ({ start_time: t.startTime, end_time: t.endTime })),
    })),
  };
}

export function fromWireSlots(wire: WireSlots<string>): { timeSlots: TimeSlot[]; dateOverrides: DateOverride[] } {
  return {
    timeSlots: wire.time_slots.map((t) => ({
      id: t.id,
      dayOfWeek: t.day_of_week as DayOfWeek,
      startTime: t.start_time,
      endTime: t.end_time,
    })),
    dateOverrides: wire.date_overrides.map((o) => ({
      date: o.date,
      timeSlots: o.time_slots.map((t) => ({ startTime: t.start_time, endTime: t.end_time })),
    })),
  };
}
