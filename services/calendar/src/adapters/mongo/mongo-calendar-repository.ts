import type { BookingRules, Envelope, ScheduleResponse } from '@slotkeeper/contracts';
import {
  bookingRulesPaths,
  eventPaths,
  inTransaction,
  isDuplicateKeyError,
  modelOn,
  MongoOutbox,
  mongoose,
  required,
  schemaOptions,
  scheduleResponsePaths,
} from '@slotkeeper/mongo';
import type { Connection } from 'mongoose';
import type { Calendar, CalendarRepository, NewCalendar, ProjectedEvent } from '../../domain/calendar.js';
import { upcoming } from '../../domain/event-projection.js';

interface CalendarDoc {
  _id: string;
  user_id: string;
  name: string;
  rules: BookingRules;
  created_at: Date;
  links: Array<{ schedule: ScheduleResponse; expires_on: Date | null }>;
  version: number;
}

/** One projected event: a document of its own, so the calendar's document never grows with history. */
interface EventDoc {
  _id: string;
  calendar_id: string;
  title: string;
  start_time: Date;
  end_time: Date;
  booked_by: string;
  booker_name: string | null;
  notes: string | null;
  guests: string[];
  status: 'confirmed' | 'canceled';
  created_at: Date;
}

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

const toCalendar = (doc: CalendarDoc): Calendar => ({
  id: doc._id,
  userId: doc.user_id,
  name: doc.name,
  rules: doc.rules,
  createdAt: doc.created_at,
  links: doc.links.map((l) => ({ schedule: l.schedule, expiresOn: l.expires_on })),
  version: doc.version,
});

const toEventDoc = (e: ProjectedEvent): Omit<EventDoc, '_id'> => ({
  calendar_id: e.calendar_id,
  title: e.title,
  start_time: new Date(e.start_time),
  end_time: new Date(e.end_time),
  booked_by: e.booked_by,
  booker_name: e.booker_name,
  notes: e.notes,
  guests: e.guests,
  status: e.status,
  created_at: new Date(e.created_at),
});

const toProjected = (doc: EventDoc): ProjectedEvent => ({
  id: doc._id,
  calendar_id: doc.calendar_id,
  title: doc.title,
  start_time: doc.start_time.toISOString(),
  end_time: doc.end_time.toISOString(),
  booked_by: doc.booked_by,
  booker_name: doc.booker_name ?? null,
  notes: doc.notes ?? null,
  guests: doc.guests,
  status: doc.status,
  created_at: doc.created_at.toISOString(),
});

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

  async create(input: NewCalendar, outbox: Envelope[], requestId?: string): Promise<Calendar> {
    const doc: CalendarDoc = {
      _id: input.id,
      user_id: input.userId,
      name: input.name,
      rules: input.rules,
      created_at: input.createdAt,
      links: input.links.map((l) => ({ schedule: l.schedule, expires_on: l.expiresOn })),
      version: input.version,
    };
    await inTransaction(this.connection, async (session) => {
      await this.calendars.create([doc], { session });
      await this.outbox.add(input.id, outbox, session, requestId);
    });
    return toCalendar(doc);
  }

  async findById(id: string): Promise<Calendar | null> {
    const doc = await this.calendars.findById(id).lean<CalendarDoc>();
    return doc ? toCalendar(doc) : null;
  }

  async save(next: Calendar, expectedVersion: number, outbox: Envelope[], requestId?: string): Promise<boolean> {
    return inTransaction(this.connection, async (session) => {
      const result = await this.calendars.updateOne(
        { _id: next.id, version: expectedVersion },
        {
          $set: {
            name: next.name,
            rules: next.rules,
            links: next.links.map((l) => ({ schedule: l.schedule, expires_on: l.expiresOn })),
            version: next.version,
          },
        },
        { session },
      );
      if (result.modifiedCount === 0) return false;
      await this.outbox.add(next.id, outbox, session, requestId);
      return true;
    });
  }

  /**
   * One upsert per message, so deliveries in flight at once cannot interleave two writes: a
   * booking inserts the event only where it is absent, a cancellation sets it canceled whether
   * or not the booking came first. Canceled therefore wins in any order.
   */
  async applyEvent(event: ProjectedEvent): Promise<void> {
    const fields = toEventDoc(event);
    const update = event.status === 'canceled' ? { $set: fields } : { $setOnInsert: fields };
    try {
      await this.events.updateOne({ _id: event.id }, update, { upsert: true });
    } catch (error) {
      // Two first deliveries racing to insert: the loser's upsert now finds the winner's document.
      if (!isDuplicateKeyError(error)) throw error;
      await this.events.updateOne({ _id: event.id }, update, { upsert: true });
    }
  }

  async upcomingEvents(calendarId: string, now: Date): Promise<ProjectedEvent[]> {
    const docs = await this.events
      .find({ calendar_id: calendarId, status: 'confirmed', end_time: { $gt: now } })
      .sort({ end_time: 1 })
      .lean<EventDoc[]>();
    // End order is start order only while confirmed events do not overlap; a cancel arriving
    // after the booking that reused its time breaks that for a moment, so sort by start here.
    return upcoming(docs.map(toProjected), now);
  }
}
