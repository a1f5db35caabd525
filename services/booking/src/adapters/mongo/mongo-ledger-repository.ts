import type { BookingRules, Envelope, ScheduleSnapshot } from '@slotkeeper/contracts';
import {
  bookingRulesPaths,
  dateOverridesPath,
  modelOn,
  mongoose,
  mongoOutbox,
  outboxEntries,
  type OutboxEntryDoc,
  outboxPath,
  required,
  schemaOptions,
  wallRangePaths,
} from '@slotkeeper/mongo';
import type { Interval } from '@slotkeeper/time';
import type { OutboxStore } from '@slotkeeper/messaging';
import type { Connection } from 'mongoose';
import type { BookedEvent, CalendarLedger, LedgerRepository, NewEvent, ReserveResult } from '../../domain/ledger.js';

interface EventDoc {
  id: string;
  title: string;
  start_time: Date;
  end_time: Date;
  booked_by: string;
  guests: string[];
  status: 'confirmed' | 'canceled';
  created_at: Date;
  idempotency_key?: string;
  request_hash?: string;
  /** Absent on events booked before cancel tokens existed. */
  cancel_token?: { salt: string; hash: string };
}

/**
 * One document per calendar: its projection, its events and its outbox, so a reservation and
 * the message announcing it are one atomic write.
 */
interface LedgerDoc {
  _id: string;
  user_id: string;
  rules: BookingRules;
  links: Array<{ schedule: ScheduleSnapshot; expires_on: Date | null }>;
  events: EventDoc[];
  outbox: OutboxEntryDoc[];
}

const req = required;

const ledgerSchema = new mongoose.Schema<LedgerDoc>(
  {
    _id: req(String),
    user_id: req(String),
    rules: bookingRulesPaths,
    links: [
      {
        _id: false,
        schedule: {
          id: req(String),
          timezone: req(String),
          time_slots: [{ _id: false, day_of_week: req(String), ...wallRangePaths }],
          date_overrides: dateOverridesPath,
        },
        expires_on: { type: Date, default: null },
      },
    ],
    events: [
      {
        _id: false,
        id: req(String),
        title: req(String),
        start_time: req(Date),
        end_time: req(Date),
        booked_by: req(String),
        guests: [String],
        status: req(String),
        created_at: req(Date),
        idempotency_key: String,
        request_hash: String,
        cancel_token: { salt: req(String), hash: req(String) },
      },
    ],
    outbox: outboxPath,
  },
  { ...schemaOptions, collection: 'booking_ledgers' },
);
ledgerSchema.index({ 'events.id': 1 });
// Not unique: a multikey unique index would collide on the null of every unkeyed event. The
// reserve filter keeps a key unique within its ledger, and bookEvent looks keys up first.
ledgerSchema.index({ 'events.idempotency_key': 1 });
ledgerSchema.index({ 'outbox.written_at': 1 });

const toEvent = (calendarId: string, e: EventDoc): BookedEvent => ({
  id: e.id,
  calendarId,
  title: e.title,
  start: e.start_time,
  end: e.end_time,
  bookedBy: e.booked_by,
  guests: e.guests,
  status: e.status,
  createdAt: e.created_at,
  idempotencyKey: e.idempotency_key ?? null,
  requestHash: e.request_hash ?? null,
  // Events booked before cancel tokens existed have none: an empty hash that no token matches.
  cancelToken: { salt: e.cancel_token?.salt ?? '', hash: e.cancel_token?.hash ?? '' },
});

const overlapping = (range: Interval) => ({
  status: 'confirmed',
  start_time: { $lt: new Date(range.end) },
  end_time: { $gt: new Date(range.start) },
});

export class MongoLedgerRepository implements LedgerRepository {
  private readonly model: mongoose.Model<LedgerDoc>;

  readonly outbox: OutboxStore;

  constructor(connection: Connection) {
    this.model = modelOn(connection, 'BookingLedger', ledgerSchema);
    this.outbox = mongoOutbox(this.model);
  }

  async init(): Promise<void> {
    await this.model.init();
  }

  async saveCalendar(c: Omit<CalendarLedger, 'links'>): Promise<void> {
    await this.model.updateOne(
      { _id: c.calendarId },
      { $set: { user_id: c.userId, rules: c.rules }, $setOnInsert: { links: [], events: [], outbox: [] } },
      { upsert: true },
    );
  }

  async link(c: Omit<CalendarLedger, 'links'>, link: CalendarLedger['links'][number]): Promise<void> {
    await this.saveCalendar(c);
    await this.model.updateOne({ _id: c.calendarId }, { $pull: { links: { 'schedule.id': link.schedule.id } } });
    await this.model.updateOne(
      { _id: c.calendarId },
      { $push: { links: { schedule: link.schedule, expires_on: link.expiresOn } } },
    );
  }

  async unlink(calendarId: string, scheduleId: string): Promise<void> {
    await this.model.updateOne({ _id: calendarId }, { $pull: { links: { 'schedule.id': scheduleId } } });
  }

  async findCalendar(calendarId: string): Promise<CalendarLedger | null> {
    const doc = await this.model
      .findById(calendarId, { events: 0, outbox: 0 })
      .lean<Omit<LedgerDoc, 'events' | 'outbox'>>();
    if (!doc) return null;
    return {
      calendarId: doc._id,
      userId: doc.user_id,
      rules: doc.rules,
      links: doc.links.map((l) => ({ schedule: l.schedule, expiresOn: l.expires_on })),
    };
  }

  async eventsBetween(calendarId: string, range: Interval): Promise<BookedEvent[]> {
    const [doc] = await this.model.aggregate<{ events: EventDoc[] }>([
      { $match: { _id: calendarId } },
      { $unwind: '$events' },
      { $replaceRoot: { newRoot: '$events' } },
      { $match: overlapping(range) },
      { $sort: { start_time: 1 } },
      { $group: { _id: null, events: { $push: '$$ROOT' } } },
    ]);
    return (doc?.events ?? []).map((e) => toEvent(calendarId, e));
  }

  async reserve(input: NewEvent, guard: Interval, outbox: Envelope[]): Promise<ReserveResult> {
    const doc: EventDoc = {
      id: input.id,
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
    // The guarantee: the push happens only if, at that moment, no confirmed event of this
    // ledger overlaps the guard. MongoDB applies a single-document update atomically.
    const filter = {
      _id: input.calendarId,
      events: { $not: { $elemMatch: overlapping(guard) } },
      ...(input.idempotencyKey ? { 'events.idempotency_key': { $ne: input.idempotencyKey } } : {}),
    };
    const result = await this.model.updateOne(filter, {
      $push: { events: doc, outbox: { $each: outboxEntries(outbox) } },
    });
    if (result.modifiedCount === 1) return { outcome: 'reserved', event: toEvent(input.calendarId, doc) };
    if (input.idempotencyKey && (await this.findByIdempotencyKey(input.idempotencyKey)))
      return { outcome: 'duplicate-key' };
    return { outcome: 'conflict' };
  }

  private async findOneEvent(filter: Record<string, unknown>): Promise<BookedEvent | null> {
    const doc = await this.model.findOne(filter, { 'events.$': 1 }).lean<Pick<LedgerDoc, '_id' | 'events'>>();
    const event = doc?.events[0];
    return doc && event ? toEvent(doc._id, event) : null;
  }

  findEvent(eventId: string): Promise<BookedEvent | null> {
    return this.findOneEvent({ 'events.id': eventId });
  }

  findByIdempotencyKey(key: string): Promise<BookedEvent | null> {
    return this.findOneEvent({ 'events.idempotency_key': key });
  }

  async cancel(eventId: string, outbox: Envelope[]): Promise<BookedEvent | null> {
    const result = await this.model.updateOne(
      { events: { $elemMatch: { id: eventId, status: 'confirmed' } } },
      { $set: { 'events.$.status': 'canceled' }, $push: { outbox: { $each: outboxEntries(outbox) } } },
    );
    return result.modifiedCount === 1 ? this.findEvent(eventId) : null;
  }
}
