import { duplicateKeyIndex, modelOn, mongoose, required, schemaOptions } from '@slotkeeper/mongo';
import type { Interval } from '@slotkeeper/time';
import type { Connection } from 'mongoose';
import type { BusyTimes, BusyTimesRepository } from '../../domain/busy-times.js';
import { busyOfSources, type BusyColumns, type SourceColumns } from '../busy-columns.js';

/** One busy source's busy times at its version: one document per source, its id the source's. */
export interface BusyTimesDoc {
  _id: string;
  calendar_id: string;
  version: number;
  /** A deleted source's tombstone: no busy times, and its version keeps older messages out. */
  removed: boolean;
  /** `[start, end)` pairs in epoch ms, sorted and disjoint. */
  busy: Array<[number, number]>;
  /**
   * Where the window the source was read in ends, epoch ms: past it the source may be busy, so
   * that time is not free. Null on a tombstone; absent from documents written before it was
   * stored (no tail then: the sync service sends every source again within a day, as its window
   * moves on daily).
   */
  window_end?: number | null;
}

const busyTimesSchema = new mongoose.Schema<BusyTimesDoc>(
  {
    _id: required(String),
    calendar_id: required(String),
    version: required(Number),
    removed: required(Boolean),
    // Mixed: up to 100,000 pairs, written and read as they are, without mongoose casting each.
    busy: { type: mongoose.Schema.Types.Mixed, required: true },
    window_end: { type: Number, required: false },
  },
  { ...schemaOptions, collection: 'booking_busy_times' },
);
/**
 * The sources of a calendar with their versions, read from the index alone (a covered query):
 * what every availability read and booking asks before it uses the busy times it keeps.
 */
export const BUSY_SOURCES_INDEX = 'busy_sources_by_calendar';
busyTimesSchema.index({ calendar_id: 1, removed: 1, _id: 1, version: 1 }, { name: BUSY_SOURCES_INDEX });

/**
 * A source's busy times as the process keeps them, at the version they were read; its window
 * end changes only with its version, so it is kept beside them and the index alone still tells
 * whether they are current.
 */
interface Cached extends SourceColumns {
  version: number;
}

/** Intervals kept in process (16 bytes each): 2,000,000 are 32 MB. */
const MAX_CACHED_INTERVALS = 2_000_000;

const pairsToColumns = (pairs: ReadonlyArray<readonly [number, number]>): BusyColumns => {
  const columns = new Float64Array(pairs.length * 2);
  pairs.forEach(([start, end], i) => {
    columns[2 * i] = start;
    columns[2 * i + 1] = end;
  });
  return columns;
};

/**
 * Busy times in `booking_busy_times`. A source's busy times change only with its version, and a
 * source may hold 100,000 intervals (3.4 MB of BSON, 61 ms to decode; 10,000: 0.33 MB, 2.6 ms), while
 * availability and bookings read a calendar's busy times on every request. So each process keeps
 * the intervals of the sources it read, by (source, version), and a request reads only the
 * calendar's (source, version) pairs, from the index; the documents of a source are read again
 * only when its version changed.
 */
export class MongoBusyTimesRepository implements BusyTimesRepository {
  private readonly sources: mongoose.Model<BusyTimesDoc>;
  /** By source id, least recently used first. */
  private readonly cache = new Map<string, Cached>();
  private held = 0;

  constructor(connection: Connection) {
    this.sources = modelOn(connection, 'BookingBusyTimes', busyTimesSchema);
  }

  async init(): Promise<void> {
    await this.sources.init();
  }

  /**
   * One conditional upsert, as the calendars' projection: written only over an older version.
   * Where the stored version is as new or newer, the filter matches nothing, the upsert's insert
   * collides on `_id`, and nothing changes.
   */
  async applyBusyTimes({ calendarId, sourceId, version, removed, busy, windowEnd }: BusyTimes): Promise<boolean> {
    const state = {
      calendar_id: calendarId,
      version,
      removed,
      busy: removed ? [] : busy.map((interval) => [interval.start, interval.end]),
      window_end: removed ? null : windowEnd,
    };
    const newer = { _id: sourceId, version: { $lt: version } };
    try {
      const result = await this.sources.updateOne(newer, { $set: state }, { upsert: true });
      return result.modifiedCount + result.upsertedCount > 0;
    } catch (error) {
      if (duplicateKeyIndex(error) !== '_id_') throw error;
      // Stored meanwhile, by a concurrent first delivery or a newer version: the update settles which.
      const result = await this.sources.updateOne(newer, { $set: state });
      return result.modifiedCount > 0;
    }
  }

  async busyBetween(calendarId: string, range: Interval): Promise<Interval[]> {
    const heads = await this.sources
      .find({ calendar_id: calendarId, removed: false }, { _id: 1, version: 1 })
      .lean<Array<Pick<BusyTimesDoc, '_id' | 'version'>>>();
    const stale = heads.filter((head) => (this.cache.get(head._id)?.version ?? 0) < head.version);
    if (stale.length > 0) {
      const docs = await this.sources
        .find({ _id: { $in: stale.map((head) => head._id) } }, { version: 1, removed: 1, busy: 1, window_end: 1 })
        .lean<Array<Omit<BusyTimesDoc, 'calendar_id'>>>();
      for (const doc of docs) {
        // Written meanwhile: a newer version (kept, it is newer still) or a tombstone (dropped).
        if (doc.removed) this.forget(doc._id);
        else {
          const windowEnd = doc.window_end ?? null;
          this.remember(doc._id, { version: doc.version, busy: pairsToColumns(doc.busy), windowEnd });
        }
      }
    }
    const live: Cached[] = [];
    for (const head of heads) {
      const cached = this.cache.get(head._id);
      if (!cached || cached.version < head.version) continue; // Removed since the heads were read.
      // Used: last out.
      this.cache.delete(head._id);
      this.cache.set(head._id, cached);
      live.push(cached);
    }
    return busyOfSources(live, range);
  }

  async busyVersion(calendarId: string, sourceId: string): Promise<number> {
    const doc = await this.sources
      .findOne({ _id: sourceId, calendar_id: calendarId }, { version: 1 })
      .lean<Pick<BusyTimesDoc, 'version'>>();
    return doc?.version ?? 0;
  }

  private remember(sourceId: string, cached: Cached): void {
    this.forget(sourceId);
    this.cache.set(sourceId, cached);
    this.held += cached.busy.length / 2;
    for (const [id, oldest] of this.cache) {
      if (this.held <= MAX_CACHED_INTERVALS || oldest === cached) break;
      this.forget(id);
    }
  }

  private forget(sourceId: string): void {
    const cached = this.cache.get(sourceId);
    if (!cached) return;
    this.cache.delete(sourceId);
    this.held -= cached.busy.length / 2;
  }
}
