import { generateId } from '@slotkeeper/contracts';
import { MemoryOutbox } from '@slotkeeper/messaging';
import type {
  NewSchedule,
  Schedule,
  ScheduleDeletion,
  ScheduleRepository,
  ScheduleUpdate,
} from '../../domain/schedule.js';
import { scheduleDeleted, scheduleUpdated } from '../schedule-messages.js';

export class MemoryScheduleRepository implements ScheduleRepository {
  private readonly byId = new Map<string, Schedule>();
  readonly outbox = new MemoryOutbox();

  async create(input: NewSchedule): Promise<Schedule> {
    const schedule = { ...structuredClone(input), id: generateId() };
    this.byId.set(schedule.id, schedule);
    return structuredClone(schedule);
  }

  async findById(id: string): Promise<Schedule | null> {
    const schedule = this.byId.get(id);
    return schedule ? structuredClone(schedule) : null;
  }

  async listByUser(userId: string): Promise<Schedule[]> {
    return [...this.byId.values()]
      .filter((schedule) => schedule.userId === userId)
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id.localeCompare(b.id))
      .map((schedule) => structuredClone(schedule));
  }

  // Check, write and enqueue run in one synchronous step: no other call interleaves.
  async save(change: ScheduleUpdate, expectedVersion: number, requestId?: string): Promise<boolean> {
    const { schedule } = change;
    if (this.byId.get(schedule.id)?.version !== expectedVersion) return false;
    this.byId.set(schedule.id, structuredClone(schedule));
    this.outbox.enqueue(schedule.id, [scheduleUpdated(change)], requestId);
    return true;
  }

  async delete(change: ScheduleDeletion, expectedVersion: number, requestId?: string): Promise<boolean> {
    if (this.byId.get(change.scheduleId)?.version !== expectedVersion) return false;
    this.byId.delete(change.scheduleId);
    this.outbox.enqueue(change.scheduleId, [scheduleDeleted(change)], requestId);
    return true;
  }
}
