import type { Interval } from '@slotkeeper/time';
import type { BusyTimes, BusyTimesRepository } from '../../domain/busy-times.js';
import { busyOfSources, toColumns, type BusyColumns } from '../busy-columns.js';

interface StoredSource {
  calendarId: string;
  version: number;
  removed: boolean;
  busy: BusyColumns;
}

/** In-memory busy times: each method runs to completion without awaiting, so each is atomic. */
export class MemoryBusyTimesRepository implements BusyTimesRepository {
  private readonly sources = new Map<string, StoredSource>();
  /** The sources of each calendar (removed ones included: their tombstones keep their version). */
  private readonly byCalendar = new Map<string, Set<string>>();

  async applyBusyTimes({ calendarId, sourceId, version, removed, busy }: BusyTimes): Promise<boolean> {
    const stored = this.sources.get(sourceId);
    if (stored && stored.version >= version) return false;
    this.sources.set(sourceId, { calendarId, version, removed, busy: toColumns(removed ? [] : busy) });
    let ids = this.byCalendar.get(calendarId);
    if (!ids) this.byCalendar.set(calendarId, (ids = new Set()));
    ids.add(sourceId);
    return true;
  }

  async busyBetween(calendarId: string, range: Interval): Promise<Interval[]> {
    const columns: BusyColumns[] = [];
    for (const id of this.byCalendar.get(calendarId) ?? []) {
      const source = this.sources.get(id)!;
      if (!source.removed) columns.push(source.busy);
    }
    return busyOfSources(columns, range);
  }

  async busyVersion(calendarId: string, sourceId: string): Promise<number> {
    const stored = this.sources.get(sourceId);
    return stored?.calendarId === calendarId ? stored.version : 0;
  }
}
