import { z } from 'zod';
import {
  dayOfWeek,
  inputWithDefault,
  instantOutput,
  isoDate,
  objectId,
  optionalInput,
  singleLineText,
  wallClock,
  zoneName,
} from './common.js';

export const MAX_WEEKLY_SLOTS = 200;
export const MAX_DATE_OVERRIDES = 400;

const toMinutes = (time: string) => Number(time.slice(0, 2)) * 60 + Number(time.slice(3));

const timeRange = {
  start_time: wallClock.refine((time) => time !== '24:00', '24:00 is only allowed as an end time'),
  end_time: wallClock,
};

function endAfterStart(range: { start_time: string; end_time: string }, ctx: z.RefinementCtx): void {
  // Zod runs this even when the fields failed; compare only well-formed times.
  const { success } = z.object({ start_time: wallClock, end_time: wallClock }).safeParse(range);
  if (success && toMinutes(range.end_time) <= toMinutes(range.start_time)) {
    ctx.addIssue({ code: 'custom', path: ['end_time'], message: 'end_time must be after start_time' });
  }
}

export const timeSlotInput = z.strictObject({ day_of_week: dayOfWeek, ...timeRange }).superRefine(endAfterStart);
export const overrideSlotInput = z.strictObject(timeRange).superRefine(endAfterStart);

export const dateOverrideInput = z.strictObject({
  date: isoDate,
  time_slots: z.array(overrideSlotInput).max(48),
});

/** Each date at most once among a schedule's overrides. */
function overridesOnce(body: { date_overrides?: unknown }, ctx: z.RefinementCtx): void {
  const seen = new Set<string>();
  if (!Array.isArray(body.date_overrides)) return;
  body.date_overrides.forEach((override: { date?: unknown } | null, index) => {
    if (typeof override?.date !== 'string') return;
    if (seen.has(override.date)) {
      ctx.addIssue({ code: 'custom', path: ['date_overrides', index, 'date'], message: 'date is overridden twice' });
    }
    seen.add(override.date);
  });
}

const weeklySlots = z.array(timeSlotInput).max(MAX_WEEKLY_SLOTS);
const dateOverrides = z.array(dateOverrideInput).max(MAX_DATE_OVERRIDES);

export const createScheduleBody = z
  .strictObject({
    user_id: objectId,
    name: singleLineText(1, 200),
    /** Default: the user's timezone. */
    timezone: optionalInput(zoneName),
    time_slots: weeklySlots,
    date_overrides: inputWithDefault(dateOverrides, []),
  })
  .superRefine(overridesOnce);
export type CreateScheduleBody = z.infer<typeof createScheduleBody>;

export const timeSlotOutput = z.object({
  id: z.string(),
  day_of_week: dayOfWeek,
  start_time: z.string(),
  end_time: z.string(),
});
export const dateOverrideOutput = z.object({
  date: z.string(),
  time_slots: z.array(z.object({ start_time: z.string(), end_time: z.string() })),
});

export const scheduleResponse = z
  .object({
    id: objectId,
    user_id: objectId,
    name: z.string(),
    timezone: z.string(),
    time_slots: z.array(timeSlotOutput),
    date_overrides: z.array(dateOverrideOutput),
    created_at: instantOutput,
  })
  .meta({ id: 'AvailabilitySchedule' });
export type ScheduleResponse = z.infer<typeof scheduleResponse>;

export const scheduleParams = z.object({ schedule_id: objectId });
export const listSchedulesQuery = z.object({ user_id: objectId });

/**
 * `PATCH` of a schedule: each field left out stays, a list replaces the whole list;
 * `timezone: null` is the owner's zone again (null here), `date_overrides: null` none.
 */
export const updateScheduleBody = z
  .strictObject({
    name: singleLineText(1, 200).optional(),
    timezone: zoneName.nullable().optional(),
    time_slots: weeklySlots.optional(),
    date_overrides: dateOverrides
      .nullable()
      .transform((overrides) => overrides ?? [])
      .optional(),
  })
  .superRefine(overridesOnce);
export type UpdateScheduleBody = z.infer<typeof updateScheduleBody>;
