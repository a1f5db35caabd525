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
      },
    ],
    version: required(Number),
  },
  { ...schemaOptions, collection: 'calendars' },
);

const eventSchema = new mongoose.Schema<EventDoc>(
  {
    _id: required(String),
    ...eventPaths,
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
  private readonly events: mongoose.Model<EventDoc>;
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

  /**
   * One upsert per message, so deliveries in flight at once cannot interleave two writes: a
   * booking inserts the event only where it is absent, a cancellation sets it canceled whether
   * or not the booking came first. Canceled therefore wins in any order.
   */
  async applyEvent(event: ProjectedEvent): Promise<void> {
    const { _id, ...fields } = toEventDoc(event);
    const update = event.status === 'canceled' ? { $set: fields } : { $setOnInsert: fields };
    try {
      await this.events.updateOne({ _id }, update, { upsert: true });
    } catch (error) {
      // Two first deliveries racing to insert: the loser's upsert now finds the winner's document.
      if (!isDuplicateKeyError(error)) throw error;
      await this.events.updateOne({ _id }, update, { upsert: true });
    }
  }

  async upcomingEvents(calendarId: string, now: Date): Promise<ProjectedEvent[]> {
    const docs = await this.events
      .find({ calendar_id: calendarId, status: 'confirmed', end_time: { $gt: now } })
      .sort({ end_time: 1 })
      .lean<EventDoc[]>();
    // End order is start order only while confirmed events do not overlap; a cancel arriving
    // after the booking that reused its time breaks that for a moment, so sort by start here.
    return upcoming(docs.map(fromEventDoc), now);
  }
}
