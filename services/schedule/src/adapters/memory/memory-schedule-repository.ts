import { generateId } from '@slotkeeper/contracts';
import type { NewSchedule, Schedule, ScheduleRepository } from '../../domain/schedule.js';

export class MemoryScheduleRepository implements ScheduleRepository {
  private readonly byId = new Map<string, Schedule>();

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
}
