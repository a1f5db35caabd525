import { defaultRules } from '@slotkeeper/contracts';
import { duplicateKeyIndex, inTransaction, modelOn, MongoOutbox, type mongoose } from '@slotkeeper/mongo';
import { LATEST_INSTANT, type Interval } from '@slotkeeper/time';
import type { ClientSession, Connection } from 'mongoose';
import type {
  BookedEvent,
  CalendarLedger,
  CloseResult,
  EventChange,
  EventPage,
  EventPageRequest,
  LedgerRepository,
  NewEvent,
  RescheduleClaim,
  RescheduleRequest,
  RescheduleResult,
  ReserveResult,
} from '../../domain/ledger.js';
import { ledgerFromWire } from '../calendar-ledgers.js';
import { toEventMessage } from '../event-messages.js';
import {
  calendarSchema,
  claimSchema,
  eventSchema,
  IDEMPOTENCY_INDEX,
  newEventDoc,
  RESCHEDULE_KEY_INDEX,
  toCalendarDoc,
  toEvent,
  type CalendarDoc,
  type EventDoc,
  type RescheduleClaimDoc,
} from './ledger-documents.js';

export { EVENTS_LIST_INDEX, IDEMPOTENCY_INDEX, RESCHEDULE_KEY_INDEX } from './ledger-documents.js';

/** Ends a transaction without writing: the reason travels to the caller. */
class Refused<T extends string> extends Error {
  constructor(readonly outcome: T) {
    super(outcome);
  }
}

/** The head filter of a reservation checked at `version`: a closed calendar never matches. */
const headAt = (calendarId: string, version: number) => ({ _id: calendarId, version, closed: { $ne: true } });

export class MongoLedgerRepository implements LedgerRepository {
  private readonly calendars: mongoose.Model<CalendarDoc>;
  private readonly events: mongoose.Model<EventDoc>;
  private readonly claims: mongoose.Model<RescheduleClaimDoc>;
  readonly outbox: MongoOutbox;

  constructor(private readonly connection: Connection) {
    this.calendars = modelOn(connection, 'BookingCalendar', calendarSchema);
    this.events = modelOn(connection, 'BookingEvent', eventSchema);
    this.claims = modelOn(connection, 'BookingRescheduleClaim', claimSchema);
    this.outbox = new MongoOutbox(connection, 'booking_outbox');
  }

  async init(): Promise<void> {
    await Promise.all([this.calendars.init(), this.events.init(), this.claims.init(), this.outbox.init()]);
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
    if (!doc) return null;
    // Closed, maybe before its state ever arrived: nothing but its closure matters.
    if (doc.closed)
      return {
        calendarId,
        userId: doc.user_id ?? '',
        rules: { ...defaultRules },
        links: [],
        version: doc.version ?? 0,
        closed: true,
      };
    return ledgerFromWire({ ...doc, calendar_id: doc._id }, (at) => at);
  }

  /** The last confirmed event starting before `instant` (other than `except`). */
  private latestBefore(calendarId: string, instant: number, session?: ClientSession, except?: string) {
    const filter: mongoose.QueryFilter<EventDoc> = {
      calendar_id: calendarId,
      status: 'confirmed',
      start_time: { $lt: new Date(instant) },
    };
    return this.events
      .findOne(except ? { ...filter, _id: { $ne: except } } : filter, null, { session: session ?? null })
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
          headAt(input.calendarId, version),
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

  async cancel(eventId: string, occurredAt: Date, requestId?: string): Promise<BookedEvent | null> {
    return inTransaction(this.connection, async (session) => {
      // Read and written in one transaction: a reschedule committed after this read makes the
      // write conflict, and the whole cancel runs again on the moved event.
      const stored = await this.events.findById(eventId, null, { session }).lean<EventDoc>();
      if (stored?.status !== 'confirmed') return null;
      const canceled = { ...toEvent(stored), status: 'canceled' as const, version: (stored.version ?? 1) + 1 };
      await this.events.updateOne(
        { _id: eventId, status: 'confirmed' },
        { $set: { status: 'canceled', version: canceled.version } },
        { session },
      );
      const message = toEventMessage({ kind: 'canceled', event: canceled, occurredAt });
      await this.outbox.add(canceled.calendarId, [message], session, requestId);
      return canceled;
    });
  }

  /**
   * One transaction, in the order of `reserve`: (a) the calendar's head, so it write-conflicts
   * with every reservation and reschedule of the calendar; (b) the event, confirmed, on this
   * calendar; (c) the overlap seek, skipping the event itself; (d) the event's new times and
   * version; (e) the key's claim (unique index); (f) its EventRescheduled.
   */
  async reschedule(request: RescheduleRequest): Promise<RescheduleResult> {
    const { eventId, calendarId, guard, claim } = request;
    try {
      return await inTransaction(this.connection, async (session) => {
        const head = await this.calendars.updateOne(
          headAt(calendarId, request.version),
          { $inc: { reservations: 1 } },
          { session },
        );
        if (head.matchedCount === 0) throw new Refused('stale');
        const stored = await this.events.findById(eventId, null, { session }).lean<EventDoc>();
        if (!stored || stored.calendar_id !== calendarId) throw new Refused('not-found');
        if (stored.status !== 'confirmed') throw new Refused('not-confirmed');
        const latest = await this.latestBefore(calendarId, guard.end, session, eventId);
        if (latest && latest.end_time.getTime() > guard.start) throw new Refused('conflict');
        const previous = toEvent(stored);
        const bookedTimes = previous.bookedTimes ?? { start: previous.start, end: previous.end };
        const moved = {
          ...previous,
          start: request.start,
          end: request.end,
          version: previous.version + 1,
          bookedTimes,
        };
        await this.events.updateOne(
          { _id: eventId, status: 'confirmed' },
          {
            $set: {
              start_time: moved.start,
              end_time: moved.end,
              version: moved.version,
              booked_times: { start_time: bookedTimes.start, end_time: bookedTimes.end },
            },
          },
          { session },
        );
        if (claim) {
          const claimDoc: RescheduleClaimDoc = {
            calendar_id: calendarId,
            key: claim.key,
            request_hash: claim.requestHash,
            event_id: eventId,
            start_time: moved.start,
            end_time: moved.end,
            version: moved.version,
          };
          await this.claims.create([claimDoc], { session });
        }
        const change: EventChange = {
          kind: 'rescheduled',
          event: moved,
          previous: { start: previous.start, end: previous.end },
          occurredAt: request.occurredAt,
        };
        await this.outbox.add(calendarId, [toEventMessage(change)], session, request.requestId);
        return { outcome: 'rescheduled' as const, event: moved };
      });
    } catch (error) {
      if (error instanceof Refused)
        return { outcome: error.outcome as Exclude<RescheduleResult['outcome'], 'rescheduled'> };
      if (duplicateKeyIndex(error) === RESCHEDULE_KEY_INDEX) return { outcome: 'duplicate-key' };
      throw error;
    }
  }

  async findRescheduleClaim(calendarId: string, key: string): Promise<RescheduleClaim | null> {
    const doc = await this.claims.findOne({ calendar_id: calendarId, key }).lean<RescheduleClaimDoc>();
    return doc
      ? {
          eventId: doc.event_id,
          requestHash: doc.request_hash,
          start: doc.start_time,
          end: doc.end_time,
          version: doc.version,
        }
      : null;
  }

  async listEvents(calendarId: string, request: EventPageRequest): Promise<EventPage> {
    const { range, status, limit, after } = request;
    const filter: mongoose.QueryFilter<EventDoc> = {
      calendar_id: calendarId,
      status: status === 'all' ? { $in: ['confirmed' as const, 'canceled' as const] } : status,
      start_time: { $lt: new Date(range.end) },
      end_time: { $gt: new Date(range.start) },
      // After the previous page's last event in the order (start, id).
      ...(after && {
        $or: [{ start_time: { $gt: after.start } }, { start_time: after.start, _id: { $gt: after.id } }],
      }),
    };
    const docs = await this.events
      .find(filter)
      .sort({ start_time: 1, _id: 1 })
      .limit(limit + 1)
      .lean<EventDoc[]>();
    return { events: docs.slice(0, limit).map(toEvent), more: docs.length > limit };
  }

  /**
   * One transaction: (a) the head, marked closed (created if the calendar is not known yet), so
   * it write-conflicts with every reservation; (b) with `now`, the calendar's last confirmed
   * event (disjoint: the last to start is the last to end) ending after it refuses, and the
   * abort undoes (a).
   */
  async close(calendarId: string, now?: Date): Promise<CloseResult> {
    try {
      await inTransaction(this.connection, async (session) => {
        await this.calendars.updateOne(
          { _id: calendarId },
          { $set: { closed: true }, $inc: { reservations: 1 } },
          { session, upsert: true },
        );
        if (!now) return;
        const latest = await this.latestBefore(calendarId, LATEST_INSTANT, session);
        if (latest && latest.end_time.getTime() > now.getTime()) throw new Refused('busy');
      });
    } catch (error) {
      if (error instanceof Refused) return 'busy';
      throw error;
    }
    return 'closed';
  }
}
