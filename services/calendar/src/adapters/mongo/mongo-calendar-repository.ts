import type { BookingRules, Envelope, ScheduleResponse } from '@slotkeeper/contracts';
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
import type { OutboxStore } from '@slotkeeper/messaging';
import type { Connection } from 'mongoose';
import type { Calendar, CalendarRepository, NewCalendar, ProjectedEvent, ScheduleLink } from '../../domain/calendar.js';

interface CalendarDoc {
  _id: string;
  user_id: string;
  name: string;
  rules: BookingRules;
  created_at: Date;
  links: Array<{ schedule: ScheduleResponse; expires_on: Date | null }>;
  events: ProjectedEvent[];
  /** Messages announcing this calendar's changes, written with them. */
  outbox: OutboxEntryDoc[];
}

const req = required;

const calendarSchema = new mongoose.Schema<CalendarDoc>(
  {
    _id: req(String),
    user_id: req(String),
    name: req(String),
    rules: bookingRulesPaths,
    created_at: req(Date),
    links: [
      {
        _id: false,
        // The schedule as it was when linked: the detail route shows it without asking again.
        schedule: {
          id: req(String),
          user_id: req(String),
          name: req(String),
          timezone: req(String),
          time_slots: [{ _id: false, id: req(String), day_of_week: req(String), ...wallRangePaths }],
          date_overrides: dateOverridesPath,
          created_at: req(String),
        },
        expires_on: { type: Date, default: null },
      },
    ],
    events: [
      {
        _id: false,
        id: req(String),
        calendar_id: req(String),
        title: req(String),
        start_time: req(String),
        end_time: req(String),
        booked_by: req(String),
        guests: [String],
        status: req(String),
        created_at: req(String),
      },
    ],
    outbox: outboxPath,
  },
  { ...schemaOptions, collection: 'calendars' },
);
calendarSchema.index({ 'outbox.written_at': 1 });

const toCalendar = (doc: CalendarDoc): Calendar => ({
  id: doc._id,
  userId: doc.user_id,
  name: doc.name,
  rules: doc.rules,
  createdAt: doc.created_at,
  links: doc.links.map((l) => ({ schedule: l.schedule, expiresOn: l.expires_on })),
  events: doc.events,
});

export class MongoCalendarRepository implements CalendarRepository {
  private readonly model: mongoose.Model<CalendarDoc>;

  readonly outbox: OutboxStore;

  constructor(connection: Connection) {
    this.model = modelOn(connection, 'Calendar', calendarSchema);
    this.outbox = mongoOutbox(this.model);
  }

  async init(): Promise<void> {
    await this.model.init();
  }

  async create(input: NewCalendar, outbox: Envelope[]): Promise<Calendar> {
    const doc: CalendarDoc = {
      _id: input.id,
      user_id: input.userId,
      name: input.name,
      rules: input.rules,
      created_at: input.createdAt,
      links: input.links.map((l) => ({ schedule: l.schedule, expires_on: l.expiresOn })),
      events: [],
      outbox: outboxEntries(outbox),
    };
    await this.model.create(doc);
    return toCalendar(doc);
  }

  async findById(id: string): Promise<Calendar | null> {
    const doc = await this.model.findById(id).lean<CalendarDoc>();
    return doc ? toCalendar(doc) : null;
  }

  async addLink(calendarId: string, link: ScheduleLink, outbox: Envelope[]): Promise<boolean> {
    const result = await this.model.updateOne(
      { _id: calendarId, 'links.schedule.id': { $ne: link.schedule.id } },
      {
        $push: {
          links: { schedule: link.schedule, expires_on: link.expiresOn },
          outbox: { $each: outboxEntries(outbox) },
        },
      },
    );
    return result.modifiedCount === 1;
  }

  async removeLink(calendarId: string, scheduleId: string, outbox: Envelope[]): Promise<boolean> {
    const result = await this.model.updateOne(
      { _id: calendarId, 'links.schedule.id': scheduleId },
      { $pull: { links: { 'schedule.id': scheduleId } }, $push: { outbox: { $each: outboxEntries(outbox) } } },
    );
    return result.modifiedCount === 1;
  }

  async applyEvent(calendarId: string, event: ProjectedEvent): Promise<void> {
    // Same rule as mergeEvent, as two conditional writes: cancel in place, else add if absent.
    if (event.status === 'canceled') {
      const canceled = await this.model.updateOne(
        { _id: calendarId, 'events.id': event.id },
        { $set: { 'events.$.status': 'canceled' } },
      );
      if (canceled.matchedCount === 1) return;
    }
    await this.model.updateOne({ _id: calendarId, 'events.id': { $ne: event.id } }, { $push: { events: event } });
  }
}
