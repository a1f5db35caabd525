import {
  bookingRulesPaths,
  eventPaths,
  fromEventDoc,
  inTransaction,
  isDuplicateKeyError,
  modelOn,
  MongoOutbox,
  mongoose,
  required,
  schemaOptions,
  scheduleResponsePaths,
  toEventDoc,
  type EventDoc,
} from '@slotkeeper/mongo';
import type { Connection } from 'mongoose';
import type {
  Calendar,
  CalendarCreated,
  CalendarDeletion,
  CalendarRepository,
  CalendarUpdate,
  ProjectedEvent,
} from '../../domain/calendar.js';
import { upcoming } from '../../domain/event-projection.js';
import { calendarMessages } from '../calendar-messages.js';
import { toCalendar, toCalendarDoc, type CalendarDoc } from './calendar-documents.js';

const calendarSchema = new mongoose.Schema<CalendarDoc>(
  {
    _id: required(String),
    user_id: required(String),
    name: required(String),
    rules: bookingRulesPaths,
    created_at: required(Date),
    links: [
      {
        _id: false,
        // The schedule as it was when linked: the detail route shows it without asking again.
        schedule: scheduleResponsePaths,
        expires_on: { type: Date, default: null },
        // The schedule's version the snapshot shows; absent on links stored before versions (0).
        schedule_version: { type: Number, required: false },
      },
    ],
    version: required(Number),
  },
  { ...schemaOptions, collection: 'calendars' },
);
// The owner's list, in its order.
calendarSchema.index({ user_id: 1, created_at: 1, _id: 1 }, { name: 'by_owner' });
// A schedule's change or deletion finds the calendars linking it.
calendarSchema.index({ 'links.schedule.id': 1, _id: 1 }, { name: 'by_linked_schedule' });

/** An event as `calendar_events` holds it: the contract's event and its version (absent: stored before versions). */
type ProjectedEventDoc = EventDoc & { version?: number };
const fromProjectedDoc = ({ version, ...doc }: ProjectedEventDoc): ProjectedEvent => ({
  ...fromEventDoc(doc),
  version: version ?? 0,
});

const eventSchema = new mongoose.Schema<ProjectedEventDoc>(
  {
    _id: required(String),
    ...eventPaths,
    version: { type: Number, required: false },
  },
  { ...schemaOptions, collection: 'calendar_events' },
);
// The detail's read: confirmed events of one calendar that end after now.
eventSchema.index(
  { calendar_id: 1, end_time: 1 },
  { name: 'confirmed_by_end', partialFilterExpression: { status: 'confirmed' } },
);

export class MongoCalendarRepository implements CalendarRepository {
  private readonly calendars: mongoose.Model<CalendarDoc>;
  private readonly events: mongoose.Model<ProjectedEventDoc>;
  readonly outbox: MongoOutbox;

  constructor(private readonly connection: Connection) {
    this.calendars = modelOn(connection, 'Calendar', calendarSchema);
    this.events = modelOn(connection, 'CalendarEvent', eventSchema);
    this.outbox = new MongoOutbox(connection, 'calendar_outbox');
  }

  async init(): Promise<void> {
    await Promise.all([this.calendars.init(), this.events.init(), this.outbox.init()]);
  }

  async create(change: CalendarCreated, requestId?: string): Promise<Calendar> {
    const doc = toCalendarDoc(change.calendar);
    await inTransaction(this.connection, async (session) => {
      await this.calendars.create([doc], { session });
      await this.outbox.add(doc._id, calendarMessages(change), session, requestId);
    });
    return toCalendar(doc);
  }

  async findById(id: string): Promise<Calendar | null> {
    const doc = await this.calendars.findById(id).lean<CalendarDoc>();
    return doc ? toCalendar(doc) : null;
  }

  async save(change: CalendarUpdate, expectedVersion: number, requestId?: string): Promise<boolean> {
    const { _id, name, rules, links, version } = toCalendarDoc(change.calendar);
    return inTransaction(this.connection, async (session) => {
      const result = await this.calendars.updateOne(
        { _id, version: expectedVersion },
        { $set: { name, rules, links, version } },
        { session },
      );
      if (result.modifiedCount === 0) return false;
      await this.outbox.add(_id, calendarMessages(change), session, requestId);
      return true;
    });
  }

  async remove(deletion: CalendarDeletion, expectedVersion: number, requestId?: string): Promise<boolean> {
    const { id } = deletion.calendar;
    return inTransaction(this.connection, async (session) => {
      const result = await this.calendars.deleteOne({ _id: id, version: expectedVersion }, { session });
      if (result.deletedCount === 0) return false;
      await this.events.deleteMany({ calendar_id: id }, { session });
      await this.outbox.add(id, calendarMessages(deletion), session, requestId);
      return true;
    });
  }

  async listByUser(userId: string): Promise<Calendar[]> {
    const docs = await this.calendars.find({ user_id: userId }).sort({ created_at: 1, _id: 1 }).lean<CalendarDoc[]>();
    return docs.map(toCalendar);
  }

  async findLinking(scheduleId: string): Promise<Calendar[]> {
    const docs = await this.calendars.find({ 'links.schedule.id': scheduleId }).sort({ _id: 1 }).lean<CalendarDoc[]>();
    return docs.map(toCalendar);
  }

  /**
   * One conditional upsert per message: it writes the event only over an older version (or over
   * none, or over an unversioned confirmed one). When a newer version is stored the filter misses
   * it, the upsert tries to insert the same `_id` and fails with E11000: nothing to do.
   */
  async applyEvent(event: ProjectedEvent): Promise<void> {
    const { _id, ...fields } = toEventDoc(event);
    try {
      await this.events.updateOne(
        {
          _id,
          $or: [{ version: { $lt: event.version } }, { version: { $exists: false }, status: 'confirmed' }],
        },
        { $set: { ...fields, version: event.version } },
        { upsert: true },
      );
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
    }
  }

  async upcomingEvents(calendarId: string, now: Date): Promise<ProjectedEvent[]> {
    const docs = await this.events
      .find({ calendar_id: calendarId, status: 'confirmed', end_time: { $gt: now } })
      .sort({ end_time: 1 })
      .lean<ProjectedEventDoc[]>();
    // End order is start order only while confirmed events do not overlap; a cancel arriving
    // after the booking that reused its time breaks that for a moment, so sort by start here.
    return upcoming(docs.map(fromProjectedDoc), now);
  }
}
