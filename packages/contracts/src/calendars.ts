import { z } from 'zod';
import {
  inputWithDefault,
  instantInput,
  instantOutput,
  minutes,
  objectId,
  optionalInput,
  singleLineText,
  zoneName,
} from './common.js';
import { MIN_SLOT_MINUTES } from './availability.js';
import { eventResponse } from './events.js';
import { dateOverrideOutput, timeSlotOutput } from './schedules.js';

/** At most this many schedules per calendar, both link forms together. */
export const MAX_SCHEDULES_PER_CALENDAR = 10;

export const scheduleLinkInput = z.strictObject({
  availability_schedule_id: objectId,
  /**
   * The link is in force before this instant; default: forever. One already past is a 400,
   * which needs the clock, so the calendar use case checks it.
   */
  expires_on: optionalInput(instantInput),
});
export type ScheduleLinkInput = z.infer<typeof scheduleLinkInput>;

export const bookingRulesInput = {
  meeting_duration_minutes: optionalInput(minutes(24 * 60).min(MIN_SLOT_MINUTES)),
  buffer_before_minutes: inputWithDefault(minutes(24 * 60), 0),
  buffer_after_minutes: inputWithDefault(minutes(24 * 60), 0),
  min_notice_minutes: inputWithDefault(minutes(365 * 24 * 60), 0),
  /** How far apart listed slots start; default: the slot length. */
  slot_interval_minutes: optionalInput(minutes(24 * 60).min(5)),
  /** How far ahead invitees may book, counted from now; default: no limit. */
  booking_horizon_days: optionalInput(z.number().int('must be whole days').min(1).max(3_650)),
};

export const createCalendarBody = z
  .strictObject({
    user_id: objectId,
    name: singleLineText(1, 200),
    availability_schedule_ids: inputWithDefault(z.array(objectId).max(MAX_SCHEDULES_PER_CALENDAR), []),
    availability_schedules: inputWithDefault(z.array(scheduleLinkInput).max(MAX_SCHEDULES_PER_CALENDAR), []),
    ...bookingRulesInput,
  })
  .superRefine((body, ctx) => {
    const seen = new Set<string>();
    const check = (id: unknown, path: (string | number)[]) => {
      if (typeof id !== 'string') return;
      if (seen.has(id)) ctx.addIssue({ code: 'custom', path, message: `schedule ${id} is linked twice` });
      seen.add(id);
    };
    // Zod runs this even when the fields failed; look only at well-formed lists.
    if (Array.isArray(body.availability_schedule_ids)) {
      body.availability_schedule_ids.forEach((id, i) => check(id, ['availability_schedule_ids', i]));
    }
    if (Array.isArray(body.availability_schedules)) {
      body.availability_schedules.forEach((link, i) =>
        check(link?.availability_schedule_id, ['availability_schedules', i, 'availability_schedule_id']),
      );
    }
    if (seen.size > MAX_SCHEDULES_PER_CALENDAR) {
      ctx.addIssue({
        code: 'custom',
        path: ['availability_schedules'],
        message: `a calendar links at most ${MAX_SCHEDULES_PER_CALENDAR} schedules (both forms together)`,
      });
    }
  });
export type CreateCalendarBody = z.infer<typeof createCalendarBody>;

export const bookingRules = z
  .object({
    meeting_duration_minutes: z.number().int().nullable(),
    buffer_before_minutes: z.number().int(),
    buffer_after_minutes: z.number().int(),
    min_notice_minutes: z.number().int(),
    slot_interval_minutes: z.number().int().nullable(),
    booking_horizon_days: z.number().int().nullable(),
  })
  .meta({ id: 'BookingRules' });
export type BookingRules = z.infer<typeof bookingRules>;

export const linkedScheduleOutput = z.object({
  availability_schedule_id: objectId,
  name: z.string(),
  timezone: z.string(),
  time_slots: z.array(timeSlotOutput),
  date_overrides: z.array(dateOverrideOutput),
  expires_on: instantOutput.nullable(),
});

export const calendarResponse = z
  .object({
    id: objectId,
    user_id: objectId,
    name: z.string(),
    ...bookingRules.shape,
    created_at: instantOutput,
    availability_schedules: z.array(linkedScheduleOutput),
    events: z.array(eventResponse),
  })
  .meta({ id: 'Calendar' });
export type CalendarResponse = z.infer<typeof calendarResponse>;

export const calendarParams = z.object({ calendar_id: objectId });
export const calendarScheduleParams = z.object({ calendar_id: objectId, schedule_id: objectId });

/** A field of a `PATCH`: left out, it stays; `null` clears it to `cleared`. */
const patchInput = <T extends z.ZodType>(schema: T, cleared: z.output<T> | null) =>
  schema
    .nullable()
    .transform((value): z.output<T> | null => value ?? cleared)
    .optional();

/** `PATCH` of a calendar: its name and booking rules; `null` clears a rule to its default. */
export const updateCalendarBody = z.strictObject({
  name: singleLineText(1, 200).optional(),
  meeting_duration_minutes: patchInput(minutes(24 * 60).min(MIN_SLOT_MINUTES), null),
  buffer_before_minutes: patchInput(minutes(24 * 60), 0),
  buffer_after_minutes: patchInput(minutes(24 * 60), 0),
  min_notice_minutes: patchInput(minutes(365 * 24 * 60), 0),
  slot_interval_minutes: patchInput(minutes(24 * 60).min(5), null),
  booking_horizon_days: patchInput(z.number().int('must be whole days').min(1).max(3_650), null),
});
export type UpdateCalendarBody = z.infer<typeof updateCalendarBody>;

/** `PATCH` of a link: when it stops being in force; `null`: never. One already past is a 400. */
export const updateLinkBody = z.strictObject({ expires_on: instantInput.nullable() });
export type UpdateLinkBody = z.infer<typeof updateLinkBody>;

export const listCalendarsQuery = z.object({ user_id: objectId, tz: zoneName.optional() });

/** A calendar in a list: the detail without its events. */
export const calendarSummaryResponse = calendarResponse.omit({ events: true }).meta({ id: 'CalendarSummary' });
export type CalendarSummaryResponse = z.infer<typeof calendarSummaryResponse>;

/** What a booking page shows of a calendar, to anyone: `timezone` is the owner's. */
export const publicCalendarResponse = z
  .object({
    id: objectId,
    name: z.string(),
    owner_name: z.string(),
    timezone: z.string(),
    meeting_duration_minutes: z.number().int().nullable(),
    slot_interval_minutes: z.number().int().nullable(),
    booking_horizon_days: z.number().int().nullable(),
    min_notice_minutes: z.number().int(),
  })
  .meta({ id: 'PublicCalendar' });
export type PublicCalendarResponse = z.infer<typeof publicCalendarResponse>;
