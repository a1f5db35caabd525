import { rulesToWire, scheduleToWire, type BookingRules, type ScheduleSnapshot } from '@slotkeeper/contracts';
import {
  bookingRulesPaths,
  eventPaths,
  duplicateKeyIndex,
  fromEventDoc,
  inTransaction,
  modelOn,
  MongoOutbox,
  mongoose,
  required,
  schemaOptions,
  scheduleSnapshotPaths,
  toEventDoc,
  type EventDoc as StoredEvent,
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
import { ledgerFromWire } from '../calendar-ledgers.js';
import { toEventMessage } from '../event-messages.js';

/** A calendar's booking rules as stored: ledgers stored before the last two rules existed lack them. */
type RulesDoc = Omit<BookingRules, 'slot_interval_minutes' | 'booking_horizon_days'> &
  Partial<Pick<BookingRules, 'slot_interval_minutes' | 'booking_horizon_days'>>;

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
type EventDoc = StoredEvent & {
  idempotency_key?: string;
  request_hash?: string;
  cancel_token: { salt: string; hash: string };
};

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

const toEvent = (doc: EventDoc): BookedEvent => ({
  ...fromEventDoc(doc),
  idempotencyKey: doc.idempotency_key ?? null,
  requestHash: doc.request_hash ?? null,
  cancelToken: doc.cancel_token,
});

/** A new event's document, confirmed; the key and the request's fingerprint only with a key. */
const newEventDoc = (event: NewEvent): EventDoc => ({
  ...toEventDoc({ ...event, status: 'confirmed' }),
  ...(event.idempotencyKey ? { idempotency_key: event.idempotencyKey, request_hash: event.requestHash! } : {}),
  cancel_token: event.cancelToken,
});

/** The stored state of a calendar, without its id and the reservations head. */
const toCalendarDoc = (c: CalendarLedger): Omit<CalendarDoc, '_id' | 'reservations'> => ({
  user_id: c.userId,
  rules: rulesToWire(c.rules),
  links: c.links.map(({ schedule, expiresOn }) => ({
    schedule: { id: schedule.id, ...scheduleToWire(schedule) },
    expires_on: expiresOn,
  })),
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
    return doc ? ledgerFromWire({ ...doc, calendar_id: doc._id }, (at) => at) : null;
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
    const doc = newEventDoc(input);
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
