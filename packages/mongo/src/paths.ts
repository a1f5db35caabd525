/** Schema path helpers shared by the services' collections. */
export const required = <T>(type: T) => ({ type, required: true as const });

/** A wall-clock range `{ start_time: "HH:mm", end_time: "HH:mm" }`. */
export const wallRangePaths = { start_time: required(String), end_time: required(String) };

/** A calendar's booking rules, as the contract names them. */
export const bookingRulesPaths = {
  meeting_duration_minutes: { type: Number, default: null },
  buffer_before_minutes: required(Number),
  buffer_after_minutes: required(Number),
  min_notice_minutes: required(Number),
  slot_interval_minutes: { type: Number, default: null },
  booking_horizon_days: { type: Number, default: null },
};

/** A schedule's date overrides. */
export const dateOverridesPath = [
  { _id: false, date: required(String), time_slots: [{ _id: false, ...wallRangePaths }] },
];

const weeklySlotPaths = { day_of_week: required(String), ...wallRangePaths };

/** A schedule's weekly slots, each with the id the schedule service gave it. */
export const scheduleSlotsPath = [{ _id: false, id: required(String), ...weeklySlotPaths }];

/** A linked schedule as calendar messages carry it (the contract's ScheduleSnapshot): booking's copy. */
export const scheduleSnapshotPaths = {
  id: required(String),
  timezone: required(String),
  time_slots: [{ _id: false, ...weeklySlotPaths }],
  date_overrides: dateOverridesPath,
};

/** A linked schedule as the schedule service answered it (the contract's ScheduleResponse): the calendar's copy. */
export const scheduleResponsePaths = {
  ...scheduleSnapshotPaths,
  user_id: required(String),
  name: required(String),
  time_slots: scheduleSlotsPath,
  created_at: required(String),
};

/** An event's fields, as the booking service's events and the calendar service's projection store them. */
export const eventPaths = {
  calendar_id: required(String),
  title: required(String),
  start_time: required(Date),
  end_time: required(Date),
  booked_by: required(String),
  booker_name: { type: String, default: null },
  notes: { type: String, default: null },
  guests: [String],
  status: required(String),
  created_at: required(Date),
};
