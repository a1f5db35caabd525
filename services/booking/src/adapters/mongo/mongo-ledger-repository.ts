import type { ScheduleSnapshot } from '@slotkeeper/contracts';
import {
  bookingRulesPaths,
  eventPaths,
  duplicateKeyIndex,
  inTransaction,
  modelOn,
  MongoOutbox,
  mongoose,
  required,
  schemaOptions,
  scheduleSnapshotPaths,
} from '@slotkeeper/mongo';
import type { Interval } from '@slotkeeper/time';
import type { ClientSession, Connection } from 'mongoose';
import type {
  BookedEvent,
  CalendarLedger,
  EventChange,
  LedgerRepository,
  NewEvent,
  ReserveResult,
} from '../../domain/ledger.js';
import { toEventMessage } from '../event-messages.js';

/** A calendar's booking rules as stored: ledgers stored before the last two rules existed lack them. */
interface RulesDoc {
  meeting_duration_minutes: number | null;
  buffer_before_minutes: number;
  buffer_after_minutes: number;
  min_notice_minutes: number;
  slot_interval_minutes?: number | null;
  booking_horizon_days?: number | null;
}

/**
 * A calendar as booking knows it, and the head its reservations serialize on: every
 * reservation's transaction writes `reservations` first, so two of them on one calendar
 * write-conflict and one retries, seeing the other's event.
 */
interface CalendarDoc {
  _id: string;
  user_id: string;
  rules: RulesDoc;
  links: Array<{ schedule: ScheduleSnapshot; expires_on: Date | null }>;
  version: number;
  reservations: number;
}

/** One event: its own document, so nothing grows with a calendar's history. */
interface EventDoc {
  _id: string;
  calendar_id: string;
  title: string;
  start_time: Date;
  end_time: Date;
  booked_by: string;
  booker_name?: string | null;
  notes?: string | null;
  guests: string[];
  status: 'confirmed' | 'canceled';
  created_at: Date;
  idempotency_key?: string;
  request_hash?: string;
  cancel_token: { salt: string; hash: string };
}

const calendarSchema = new mongoose.Schema<CalendarDoc>(
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
  },
  { ...schemaOptions, collection: 'booking_calendars' },
);

const eventSchema = new mongoose.Schema<EventDoc>(
  {
    _id: required(String),
    ...eventPaths,
    idempotency_key: String,
    request_hash: String,
    cancel_token: { salt: required(String), hash: required(String) },
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

const toEvent = (e: EventDoc): BookedEvent => ({
  id: e._id,
  calendarId: e.calendar_id,
  title: e.title,
  start: e.start_time,
  end: e.end_time,
  bookedBy: e.booked_by,
  bookerName: e.booker_name ?? null,
  notes: e.notes ?? null,
  guests: e.guests,
  status: e.status,
  createdAt: e.created_at,
  idempotencyKey: e.idempotency_key ?? null,
  requestHash: e.request_hash ?? null,
  cancelToken: e.cancel_token,
});

/** A new event's document, confirmed; the key and the request's fingerprint only with a key. */
const toEventDoc = (event: NewEvent): EventDoc => ({
  _id: event.id,
  calendar_id: event.calendarId,
  title: event.title,
  start_time: event.start,
  end_time: event.end,
  booked_by: event.bookedBy,
  booker_name: event.bookerName,
  notes: event.notes,
  guests: event.guests,
  status: 'confirmed',
  created_at: event.createdAt,
  ...(event.idempotencyKey ? { idempotency_key: event.idempotencyKey, request_hash: event.requestHash! } : {}),
  cancel_token: event.cancelToken,
});

const toLedger = (doc: CalendarDoc): CalendarLedger => ({
  calendarId: doc._id,
  userId: doc.user_id,
  rules: {
    meetingDurationMinutes: doc.rules.meeting_duration_minutes,
    bufferBeforeMinutes: doc.rules.buffer_before_minutes,
    bufferAfterMinutes: doc.rules.buffer_after_minutes,
    minNoticeMinutes: doc.rules.min_notice_minutes,
    slotIntervalMinutes: doc.rules.slot_interval_minutes ?? null,
    bookingHorizonDays: doc.rules.booking_horizon_days ?? null,
  },
  links: doc.links.map((l) => ({ schedule: l.schedule, expiresOn: l.expires_on })),
  version: doc.version,
});

/** The stored state of a calendar, without its id and the reservations head. */
const toCalendarDoc = (c: CalendarLedger): Omit<CalendarDoc, '_id' | 'reservations'> => ({
  user_id: c.userId,
  rules: {
    meeting_duration_minutes: c.rules.meetingDurationMinutes,
    buffer_before_minutes: c.rules.bufferBeforeMinutes,
    buffer_after_minutes: c.rules.bufferAfterMinutes,
    min_notice_minutes: c.rules.minNoticeMinutes,
    slot_interval_minutes: c.rules.slotIntervalMinutes,
    booking_horizon_days: c.rules.bookingHorizonDays,
  },
  links: c.links.map((l) => ({ schedule: l.schedule, expires_on: l.expiresOn })),
  version: c.version,
});

/** Ends a transaction without writing: the reason travels to the caller. */
class Refused extends Error {
  constructor(readonly outcome: 'conflict' | 'duplicate-key' | 'stale') {
    super(outcome);
  }
}

export class MongoLedgerRepository implements LedgerRepository {
  private readonly calendars: mongoose.Model<CalendarDoc>;
  private readonly events: mongoose.Model<EventDoc>;
  readonly outbox: MongoOutbox;

  constructor(private readonly connection: Connection) {
    this.calendars = modelOn(connection, 'BookingCalendar', calendarSchema);
    this.events = modelOn(connection, 'BookingEvent', eventSchema);
    this.outbox = new MongoOutbox(connection, 'booking_outbox');
  }

  async init(): Promise<void> {
    await Promise.all([this.calendars.init(), this.events.init(), this.outbox.init()]);
  }

  /**
   * One conditional upsert: the state is written only over an older version. Where the stored
   * version is as new or newer, the filter matches nothing, the upsert's insert collides on
   * `_id`, and nothing changes.
   */
  async applyCalendar(c: CalendarLedger): Promise<boolean> {
    const state = toCalendarDoc(c);
    const newer = { _id: c.calendarId, version: { $lt: c.version } };
    try {
      const result = await this.calendars.updateOne(newer, { $set: state }, { upsert: true });
      return result.modifiedCount + result.upsertedCount > 0;
    } catch (error) {
      if (duplicateKeyIndex(error) !== '_id_') throw error;
      // Stored meanwhile: by a concurrent first delivery (whose version may be older than this
      // one) or by a newer version. Without the insert, the update settles which.
      const result = await this.calendars.updateOne(newer, { $set: state });
      return result.modifiedCount > 0;
    }
  }

  async findCalendar(calendarId: string): Promise<CalendarLedger | null> {
    const doc = await this.calendars.findById(calendarId, { reservations: 0 }).lean<CalendarDoc>();
    return doc ? toLedger(doc) : null;
  }

  /** The last confirmed event starting before `instant`. */
  private latestBefore(calendarId: string, instant: number, session?: ClientSession) {
    return this.events
      .findOne({ calendar_id: calendarId, status: 'confirmed', start_time: { $lt: new Date(instant) } }, null, {
        session: session ?? null,
      })
      .sort({ start_time: -1 })
      .lean<EventDoc>();
  }

  async eventsBetween(calendarId: string, range: Interval): Promise<BookedEvent[]> {
    const [before, inside] = await Promise.all([
      this.latestBefore(calendarId, range.start),
      this.events
        .find({
          calendar_id: calendarId,
          status: 'confirmed',
          start_time: { $gte: new Date(range.start), $lt: new Date(range.end) },
        })
        .sort({ start_time: 1 })
        .lean<EventDoc[]>(),
    ]);
    const overlapping = before && before.end_time.getTime() > range.start ? [before, ...inside] : inside;
    return overlapping.map(toEvent);
  }

  async reserve(
    input: NewEvent,
    guard: Interval,
    changes: readonly EventChange[],
    version: number,
    requestId?: string,
  ): Promise<ReserveResult> {
    const doc = toEventDoc(input);
    const messages = changes.map(toEventMessage);
    try {
      await inTransaction(this.connection, async (session) => {
        // The head first: from here on, no other reservation of this calendar can commit
        // alongside this one (it conflicts and retries after this one's commit).
        const head = await this.calendars.updateOne(
          { _id: input.calendarId, version },
          { $inc: { reservations: 1 } },
          { session },
        );
        if (head.matchedCount === 0) throw new Refused('stale');
        // Disjoint events: only the last one starting before the guard's end can reach into it.
        const latest = await this.latestBefore(input.calendarId, guard.end, session);
        if (latest && latest.end_time.getTime() > guard.start) throw new Refused('conflict');
        await this.events.create([doc], { session });
        await this.outbox.add(input.calendarId, messages, session, requestId);
      });
    } catch (error) {
      if (error instanceof Refused) return { outcome: error.outcome };
      if (duplicateKeyIndex(error) === IDEMPOTENCY_INDEX) return { outcome: 'duplicate-key' };
      throw error;
    }
    return { outcome: 'reserved', event: toEvent(doc) };
  }

  async findEvent(eventId: string): Promise<BookedEvent | null> {
    const doc = await this.events.findById(eventId).lean<EventDoc>();
    return doc ? toEvent(doc) : null;
  }

  async findByIdempotencyKey(calendarId: string, key: string): Promise<BookedEvent | null> {
    const doc = await this.events.findOne({ calendar_id: calendarId, idempotency_key: key }).lean<EventDoc>();
    return doc ? toEvent(doc) : null;
  }

  async cancel(eventId: string, changes: readonly EventChange[], requestId?: string): Promise<BookedEvent | null> {
    const messages = changes.map(toEventMessage);
    return inTransaction(this.connection, async (session) => {
      const canceled = await this.events
        .findOneAndUpdate(
          { _id: eventId, status: 'confirmed' },
          { $set: { status: 'canceled' } },
          { session, returnDocument: 'after' },
        )
        .lean<EventDoc>();
      if (!canceled) return null;
      await this.outbox.add(canceled.calendar_id, messages, session, requestId);
      return toEvent(canceled);
    });
  }
}
