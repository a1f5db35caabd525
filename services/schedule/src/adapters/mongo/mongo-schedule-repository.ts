import {
  generateId,
  scheduleFromWire,
  scheduleToWire,
  type WireWeeklySchedule,
  type WireWeeklySlot,
} from '@slotkeeper/contracts';
import { dateOverridesPath, modelOn, mongoose, required, schemaOptions, scheduleSlotsPath } from '@slotkeeper/mongo';
import type { Connection } from 'mongoose';
import type { NewSchedule, Schedule, ScheduleRepository } from '../../domain/schedule.js';

/** A schedule as `availability_schedules` holds it: the contract's snake_case, its slots with their ids. */
type ScheduleDoc = WireWeeklySchedule<WireWeeklySlot & { id: string }> & {
  _id: string;
  user_id: string;
  name: string;
  created_at: Date;
};

const scheduleSchema = new mongoose.Schema<ScheduleDoc>(
  {
    _id: required(String),
    user_id: required(String),
    name: required(String),
    timezone: required(String),
    time_slots: scheduleSlotsPath,
    date_overrides: dateOverridesPath,
    created_at: required(Date),
  },
  { ...schemaOptions, collection: 'availability_schedules' },
);
// Serves listByUser's filter and its whole sort (the `_id` tie-break included): no in-memory sort.
scheduleSchema.index({ user_id: 1, created_at: 1, _id: 1 });

const toDoc = (id: string, s: NewSchedule): ScheduleDoc => ({
  _id: id,
  user_id: s.userId,
  name: s.name,
  ...scheduleToWire(s),
  created_at: s.createdAt,
});

const toSchedule = (doc: ScheduleDoc): Schedule => ({
  id: doc._id,
  userId: doc.user_id,
  name: doc.name,
  ...scheduleFromWire(doc),
  createdAt: doc.created_at,
});

export class MongoScheduleRepository implements ScheduleRepository {
  private readonly model: mongoose.Model<ScheduleDoc>;

  constructor(connection: Connection) {
    this.model = modelOn(connection, 'AvailabilitySchedule', scheduleSchema);
  }

  async init(): Promise<void> {
    await this.model.init();
  }

  async create(input: NewSchedule): Promise<Schedule> {
    const doc = toDoc(generateId(), input);
    await this.model.create(doc);
    return toSchedule(doc);
  }

  async findById(id: string): Promise<Schedule | null> {
    const doc = await this.model.findById(id).lean<ScheduleDoc>();
    return doc ? toSchedule(doc) : null;
  }

  async listByUser(userId: string): Promise<Schedule[]> {
    const docs = await this.model.find({ user_id: userId }).sort({ created_at: 1, _id: 1 }).lean<ScheduleDoc[]>();
    return docs.map(toSchedule);
  }
}
