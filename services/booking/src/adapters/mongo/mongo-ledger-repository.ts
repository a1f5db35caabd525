import type { Envelope, ScheduleSnapshot } from '@slotkeeper/contracts';
import {
  bookingRulesPaths,
  dateOverridesPath,
  duplicateKeyIndex,
  inTransaction,
  modelOn,
  MongoOutbox,
  mongoose,
  required,
  schemaOptions,
  wallRangePaths,
} from '@slotkeeper/mongo';
import type { Interval } from '@slotkeeper/time';
import type { ClientSession, Connection } from 'mongoose';
import type {
  BookedEvent,
  CalendarLedger,
  CalendarSettings,
  LedgerRepository,
  Link,
  NewEvent,
  ReserveResult,
} from '../../domain/ledger.js';

/**
 * A calendar as booking knows it, and the head its reservations serialize on: every
 * reservation's transaction writes `reservations` first, so two of them on one calendar
 * write-conflict and one retries, seeing the other's event.
 */
interface CalendarDoc {
  _id: string;
  user_id: string;
  rules: CalendarLedger['rules'];
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
        schedule: {
          id: required(String),
          timezone: required(String),
          time_slots: [{ _id: false, day_of_week: required(String), ...wallRangePaths }],
          date_overrides: dateOverridesPath,
        },
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
    calendar_id: required(String),
    title: required(String),
    start_time: required(Date),
    end_time: required(Date),
    booked_by: required(String),
    guests: [String],
    status: required(String),
    created_at: required(Date),
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
  guests: e.guests,
  status: e.status,
  createdAt: e.created_at,
  idempotencyKey: e.idempotency_key ?? null,
  requestHash: e.request_hash ?? null,
  cancelToken: e.cancel_token,
});

const toLedger = (doc: CalendarDoc): CalendarLedger => ({
  calendarId: doc._id,
  userId: doc.user_id,
  rules: doc.rules,
  links: doc.links.map((l) => ({ schedule: l.schedule, expiresOn: l.expires_on })),
  version: doc.version,
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

  async saveCalendar(c: CalendarSettings): Promise<void> {
    await this.calendars.updateOne(
      { _id: c.calendarId },
      { $set: { user_id: c.userId, rules: c.rules }, $setOnInsert: { links: [] }, $inc: { version: 1 } },
      { upsert: true },
    );
  }

  /** One pipeline update: the link replaces any link to the same schedule, never two writes. */
  async link(c: CalendarSettings, link: Link): Promise<void> {
    const stored = { schedule: link.schedule, expires_on: link.expiresOn };
    await this.calendars.updateOne(
      { _id: c.calendarId },
      [
        {
          $set: {
            // $literal: values are data, never expressions or field paths.
            user_id: { $literal: c.userId },
            rules: { $literal: c.rules },
            links: {
              $concatArrays: [
                {
                  $filter: {
                    input: { $ifNull: ['$links', []] },
                    cond: { $ne: ['$$this.schedule.id', { $literal: link.schedule.id }] },
                  },
                },
                [{ $literal: stored }],
              ],
            },
            version: { $add: [{ $ifNull: ['$version', 0] }, 1] },
          },
        },
      ],
      { upsert: true, updatePipeline: true },
    );
  }

  async unlink(calendarId: string, scheduleId: string): Promise<void> {
    await this.calendars.updateOne(
      { _id: calendarId },
      { $pull: { links: { 'schedule.id': scheduleId } }, $inc: { version: 1 } },
    );
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

  async reserve(input: NewEvent, guard: Interval, outbox: Envelope[], version: number): Promise<ReserveResult> {
    const doc: EventDoc = {
      _id: input.id,
      calendar_id: input.calendarId,
      title: input.title,
      start_time: input.start,
      end_time: input.end,
      booked_by: input.bookedBy,
      guests: input.guests,
      status: 'confirmed',
      created_at: input.createdAt,
      ...(input.idempotencyKey ? { idempotency_key: input.idempotencyKey, request_hash: input.requestHash! } : {}),
      cancel_token: input.cancelToken,
    };
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
        await this.outbox.add(input.calendarId, outbox, session);
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

  async cancel(eventId: string, outbox: Envelope[]): Promise<BookedEvent | null> {
    return inTransaction(this.connection, async (session) => {
      const canceled = await this.events
        .findOneAndUpdate(
          { _id: eventId, status: 'confirmed' },
          { $set: { status: 'canceled' } },
          { session, returnDocument: 'after' },
        )
        .lean<EventDoc>();
      if (!canceled) return null;
      await this.outbox.add(canceled.calendar_id, outbox, session);
      return toEvent(canceled);
    });
  }
}
