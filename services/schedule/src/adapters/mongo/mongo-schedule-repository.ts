import {
  generateId,
  scheduleFromWire,
  scheduleToWire,
  type WireWeeklySchedule,
  type WireWeeklySlot,
} from '@slotkeeper/contracts';
import {
  dateOverridesPath,
  inTransaction,
  modelOn,
  MongoOutbox,
  mongoose,
  required,
  schemaOptions,
  scheduleSlotsPath,
} from '@slotkeeper/mongo';
import type { Connection } from 'mongoose';
import type {
  NewSchedule,
  Schedule,
  ScheduleDeletion,
  ScheduleRepository,
  ScheduleUpdate,
} from '../../domain/schedule.js';
import { scheduleDeleted, scheduleUpdated } from '../schedule-messages.js';

/** A schedule as `availability_schedules` holds it: the contract's snake_case, its slots with their ids. */
type ScheduleDoc = WireWeeklySchedule<WireWeeklySlot & { id: string }> & {
  _id: string;
  user_id: string;
  name: string;
  created_at: Date;
  /** Absent on documents written before schedules had versions: those are at version 1. */
  version?: number;
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
    version: { type: Number },
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
  version: s.version,
});

const toSchedule = (doc: ScheduleDoc): Schedule => ({
  id: doc._id,
  userId: doc.user_id,
  name: doc.name,
  ...scheduleFromWire(doc),
  createdAt: doc.created_at,
  version: doc.version ?? 1,
});

/** The CAS filter: version 1 also matches a document written before versions (no field: null). */
const atVersion = (id: string, version: number) => ({
  _id: id,
  version: version === 1 ? { $in: [1, null] } : version,
});

export class MongoScheduleRepository implements ScheduleRepository {
  private readonly model: mongoose.Model<ScheduleDoc>;
  readonly outbox: MongoOutbox;

  constructor(private readonly connection: Connection) {
    this.model = modelOn(connection, 'AvailabilitySchedule', scheduleSchema);
    this.outbox = new MongoOutbox(connection, 'schedule_outbox');
  }

  async init(): Promise<void> {
    await Promise.all([this.model.init(), this.outbox.init()]);
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

  async save(change: ScheduleUpdate, expectedVersion: number, requestId?: string): Promise<boolean> {
    const { _id, name, timezone, time_slots, date_overrides, version } = toDoc(change.schedule.id, change.schedule);
    return inTransaction(this.connection, async (session) => {
      const result = await this.model.updateOne(
        atVersion(_id, expectedVersion),
        { $set: { name, timezone, time_slots, date_overrides, version } },
        { session },
      );
      if (result.modifiedCount === 0) return false;
      await this.outbox.add(_id, [scheduleUpdated(change)], session, requestId);
      return true;
    });
  }

  async delete(change: ScheduleDeletion, expectedVersion: number, requestId?: string): Promise<boolean> {
    return inTransaction(this.connection, async (session) => {
      const result = await this.model.deleteOne(atVersion(change.scheduleId, expectedVersion), { session });
      if (result.deletedCount === 0) return false;
      await this.outbox.add(change.scheduleId, [scheduleDeleted(change)], session, requestId);
      return true;
    });
  }
}
