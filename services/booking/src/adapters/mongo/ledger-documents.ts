import { rulesToWire, scheduleToWire, type BookingRules, type ScheduleSnapshot } from '@slotkeeper/contracts';
import {
  bookingRulesPaths,
  eventPaths,
  fromEventDoc,
  mongoose,
  required,
  schemaOptions,
  scheduleSnapshotPaths,
  toEventDoc,
  type EventDoc as StoredEvent,
} from '@slotkeeper/mongo';
import type { BookedEvent, CalendarLedger, NewEvent } from '../../domain/ledger.js';

/*
 * The booking ledger's MongoDB documents: what each collection stores, its indexes, and the
 * converters between documents and the domain's ledgers and events.
 */

/** A calendar's booking rules as stored: ledgers stored before the last two rules existed lack them. */
export type RulesDoc = Omit<BookingRules, 'slot_interval_minutes' | 'booking_horizon_days'> &
  Partial<Pick<BookingRules, 'slot_interval_minutes' | 'booking_horizon_days'>>;

/**
 * A calendar as booking knows it, and the head its reservations serialize on: every
 * reservation's transaction writes `reservations` first, so two of them on one calendar
 * write-conflict and one retries, seeing the other's event.
 */
export interface CalendarDoc {
  _id: string;
  user_id: string;
  rules: RulesDoc;
  links: Array<{ schedule: ScheduleSnapshot; expires_on: Date | null }>;
  version: number;
  reservations: number;
  /** Deleted by the calendar service: unknown to bookings and reads from then on. */
  closed?: boolean;
}

/** One event: its own document, so nothing grows with a calendar's history. */
export type EventDoc = StoredEvent & {
  idempotency_key?: string;
  request_hash?: string;
  cancel_token: { salt: string; hash: string };
  /** Missing on events stored before reschedules existed: they read as 1. */
  version?: number;
  /** Set by the first reschedule: the times the booking's replay answers. */
  booked_times?: { start_time: Date; end_time: Date };
};

/** What a keyed reschedule answered: one per calendar and key, claimed by a unique index. */
export interface RescheduleClaimDoc {
  calendar_id: string;
  key: string;
  request_hash: string;
  event_id: string;
  start_time: Date;
  end_time: Date;
  version: number;
}

export const calendarSchema = new mongoose.Schema<CalendarDoc>(
  {
    _id: required(String),
    user_id: required(String),
    rules: bookingRulesPaths,
    links: [
      {
        _id: false,
        schedule: scheduleSnapshotPaths,
        expires_on: { type: Date, default: null },
      },
    ],
    version: required(Number),
    reservations: { type: Number, default: 0 },
    closed: Boolean,
  },
  { ...schemaOptions, collection: 'booking_calendars' },
);

export const eventSchema = new mongoose.Schema<EventDoc>(
  {
    _id: required(String),
    ...eventPaths,
    idempotency_key: String,
    request_hash: String,
    cancel_token: { salt: required(String), hash: required(String) },
    version: Number,
    booked_times: { type: { _id: false, start_time: Date, end_time: Date }, default: undefined },
  },
  { ...schemaOptions, collection: 'booking_events' },
);
// Confirmed events of one calendar never overlap, so "the last one starting before t" and
// "those starting in [a, b)" are all a range read needs: O(log n + k), whatever the history.
eventSchema.index(
  { calendar_id: 1, start_time: 1 },
  { name: 'confirmed_by_start', partialFilterExpression: { status: 'confirmed' } },
);
// The idempotency claim: unique per calendar, enforced by the index, not by read-then-act.
export const IDEMPOTENCY_INDEX = 'idempotency_key_per_calendar';
eventSchema.index(
  { calendar_id: 1, idempotency_key: 1 },
  { name: IDEMPOTENCY_INDEX, unique: true, partialFilterExpression: { idempotency_key: { $type: 'string' } } },
);

// The events list: every status in the order (start, id). Status leads so a status's events
// are one range; `all` reads both ranges merged in order ($in on a prefix: the planner's merge
// sort, no blocking sort). `end_time` last: the overlap filter is decided on index keys.
export const EVENTS_LIST_INDEX = 'events_by_status_start_id';
eventSchema.index({ calendar_id: 1, status: 1, start_time: 1, _id: 1, end_time: 1 }, { name: EVENTS_LIST_INDEX });

export const claimSchema = new mongoose.Schema<RescheduleClaimDoc>(
  {
    calendar_id: required(String),
    key: required(String),
    request_hash: required(String),
    event_id: required(String),
    start_time: required(Date),
    end_time: required(Date),
    version: required(Number),
  },
  { ...schemaOptions, collection: 'booking_reschedule_claims' },
);
export const RESCHEDULE_KEY_INDEX = 'reschedule_key_per_calendar';
claimSchema.index({ calendar_id: 1, key: 1 }, { name: RESCHEDULE_KEY_INDEX, unique: true });

export const toEvent = (doc: EventDoc): BookedEvent => ({
  ...fromEventDoc(doc),
  idempotencyKey: doc.idempotency_key ?? null,
  requestHash: doc.request_hash ?? null,
  cancelToken: doc.cancel_token,
  version: doc.version ?? 1,
  ...(doc.booked_times && { bookedTimes: { start: doc.booked_times.start_time, end: doc.booked_times.end_time } }),
});

/** A new event's document, confirmed at version 1; the key and the request's fingerprint only with a key. */
export const newEventDoc = (event: NewEvent): EventDoc => ({
  ...toEventDoc({ ...event, status: 'confirmed' }),
  ...(event.idempotencyKey ? { idempotency_key: event.idempotencyKey, request_hash: event.requestHash! } : {}),
  cancel_token: event.cancelToken,
  version: 1,
});

/** The stored state of a calendar, without its id and the reservations head. */
export const toCalendarDoc = (c: CalendarLedger): Omit<CalendarDoc, '_id' | 'reservations'> => ({
  user_id: c.userId,
  rules: rulesToWire(c.rules),
  links: c.links.map(({ schedule, expiresOn }) => ({
    schedule: { id: schedule.id, ...scheduleToWire(schedule) },
    expires_on: expiresOn,
  })),
  version: c.version,
});
