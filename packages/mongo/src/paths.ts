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
