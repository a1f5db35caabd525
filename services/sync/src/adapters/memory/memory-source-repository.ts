import type { Envelope } from '@slotkeeper/contracts';
import { MemoryOutbox } from '@slotkeeper/messaging';
import {
  writesBookings,
  type BusySource,
  type Lease,
  type ObjectBusy,
  type ObjectChanges,
  type SourceRepository,
  type SyncRecord,
} from '../../domain/busy-source.js';

const byCreation = (a: BusySource, b: BusySource) =>
  a.createdAt.getTime() - b.createdAt.getTime() || a.id.localeCompare(b.id);

/** The sources in this process's memory (the embedded mode); each method is one atomic step. */
export class MemorySourceRepository implements SourceRepository {
  private readonly byId = new Map<string, BusySource>();
  /** Each CalDAV source's stored objects, by href. */
  private readonly objects = new Map<string, Map<string, ObjectBusy>>();
  readonly outbox = new MemoryOutbox();

  async create(source: BusySource, max: number): Promise<boolean> {
    if ([...this.byId.values()].filter((s) => s.calendarId === source.calendarId).length >= max) return false;
    this.byId.set(source.id, structuredClone(source));
    return true;
  }

  async find(id: string): Promise<BusySource | null> {
    const source = this.byId.get(id);
    return source ? structuredClone(source) : null;
  }

  async listByCalendar(calendarId: string): Promise<BusySource[]> {
    return [...this.byId.values()]
      .filter((source) => source.calendarId === calendarId)
      .sort(byCreation)
      .map((source) => structuredClone(source));
  }

  async claimDue(now: Date, lease: Lease): Promise<BusySource | null> {
    const due = [...this.byId.values()]
      .filter((s) => s.nextSyncAt <= now && (s.lease === null || s.lease.until <= now))
      .sort((a, b) => a.nextSyncAt.getTime() - b.nextSyncAt.getTime())[0];
    if (!due) return null;
    due.lease = structuredClone(lease);
    return structuredClone(due);
  }

  async renewLease(id: string, token: string, until: Date): Promise<boolean> {
    const source = this.byId.get(id);
    if (source?.lease?.token !== token) return false;
    source.lease = { token, until: new Date(until) };
    return true;
  }

  async recordSync(
    id: string,
    token: string,
    record: SyncRecord,
    message: Envelope | null,
    requestId?: string,
    objects?: ObjectChanges,
  ): Promise<boolean> {
    const source = this.byId.get(id);
    if (source?.lease?.token !== token) return false;
    this.byId.set(id, { ...source, ...structuredClone(record), lease: null });
    if (objects) this.applyObjects(id, structuredClone(objects));
    if (message) this.outbox.enqueue(id, [message], requestId);
    return true;
  }

  async objectsOf(id: string): Promise<ObjectBusy[]> {
    return structuredClone([...(this.objects.get(id)?.values() ?? [])]);
  }

  private applyObjects(id: string, changes: ObjectChanges): void {
    if (changes.replace) {
      this.objects.set(id, new Map(changes.objects.map((o) => [o.href, o])));
      return;
    }
    const stored = this.objects.get(id) ?? new Map<string, ObjectBusy>();
    for (const href of changes.deletions) stored.delete(href);
    for (const object of changes.upserts) stored.set(object.href, object);
    this.objects.set(id, stored);
  }

  async remove(id: string, expectedVersion: number, message: Envelope, requestId?: string): Promise<boolean> {
    if (this.byId.get(id)?.version !== expectedVersion) return false;
    this.byId.delete(id);
    this.objects.delete(id);
    this.outbox.enqueue(id, [message], requestId);
    return true;
  }

  async writeTargets(calendarId: string): Promise<BusySource[]> {
    return (await this.listByCalendar(calendarId)).filter(writesBookings);
  }
}
