import type { Interval } from '@slotkeeper/time';
import type { BusyTimes, BusyTimesRepository } from '../../domain/busy-times.js';
import { busyOfSources, toColumns, type BusyColumns, type SourceColumns } from '../busy-columns.js';

interface StoredSource {
  calendarId: string;
  version: number;
  removed: boolean;
  busy: BusyColumns;
  /** Where the source's window ends; a removed source has none. */
  windowEnd: number | null;
}

/** In-memory busy times: each method runs to completion without awaiting, so each is atomic. */
export class MemoryBusyTimesRepository implements BusyTimesRepository {
  private readonly sources = new Map<string, StoredSource>();
  /** The sources of each calendar (removed ones included: their tombstones keep their version). */
  private readonly byCalendar = new Map<string, Set<string>>();

  async applyBusyTimes({ calendarId, sourceId, version, removed, busy, windowEnd }: BusyTimes): Promise<boolean> {
    const stored = this.sources.get(sourceId);
    if (stored && stored.version >= version) return false;
    this.sources.set(sourceId, {
      calendarId,
      version,
      removed,
      busy: toColumns(removed ? [] : busy),
      windowEnd: removed ? null : windowEnd,
    });
    let ids = this.byCalendar.get(calendarId);
    if (!ids) this.byCalendar.set(calendarId, (ids = new Set()));
    ids.add(sourceId);
    return true;
  }

  async busyBetween(calendarId: string, range: Interval): Promise<Interval[]> {
    const live: SourceColumns[] = [];
    for (const id of this.byCalendar.get(calendarId) ?? []) {
      const source = this.sources.get(id)!;
      if (!source.removed) live.push(source);
    }
    return busyOfSources(live, range);
  }

  async busyVersion(calendarId: string, sourceId: string): Promise<number> {
    const stored = this.sources.get(sourceId);
    return stored?.calendarId === calendarId ? stored.version : 0;
  }
}
