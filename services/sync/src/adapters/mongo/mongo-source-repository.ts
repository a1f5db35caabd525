import type { Envelope } from '@slotkeeper/contracts';
import { CountGuard, inTransaction, modelOn, MongoOutbox, mongoose, required, schemaOptions } from '@slotkeeper/mongo';
import type { Connection } from 'mongoose';
import {
  writesBookings,
  type BusySource,
  type Lease,
  type ObjectBusy,
  type ObjectChanges,
  type SourceRepository,
  type SyncRecord,
} from '../../domain/busy-source.js';
import { objectId, objectSchema, toObject, toObjectDoc, type ObjectDoc } from './object-documents.js';
import { NO_LEASE, toResealedFields, toSource, toSourceDoc, toSyncFields, type SourceDoc } from './source-documents.js';

const nullableString = { type: String, default: null };

const sourceSchema = new mongoose.Schema<SourceDoc>(
  {
    _id: required(String),
    calendar_id: required(String),
    user_id: required(String),
    kind: required(String),
    sealed_url: required(String),
    username: nullableString,
    sealed_password: nullableString,
    write_bookings: required(Boolean),
    status: required(String),
    last_synced_at: { type: Date, default: null },
    last_error: nullableString,
    created_at: required(Date),
    owner_zone: required(String),
    version: required(Number),
    sync: {
      prior: { etag: nullableString, last_modified: nullableString, ctag: nullableString, sync_token: nullableString },
      fingerprint: nullableString,
      basis: nullableString,
    },
    next_sync_at: required(Date),
    lease_token: nullableString,
    lease_until: required(Date),
  },
  { ...schemaOptions, collection: 'busy_sources' },
);
// A calendar's list, in its order (and its write-back targets).
sourceSchema.index({ calendar_id: 1, created_at: 1, _id: 1 }, { name: 'by_calendar' });
// The schedulers' question: which sources are due, oldest first.
sourceSchema.index({ next_sync_at: 1, lease_until: 1 }, { name: 'due' });

export class MongoSourceRepository implements SourceRepository {
  private readonly sources: mongoose.Model<SourceDoc>;
  /** One document per calendar that has sources (`busy_source_calendars`): the per-calendar limit holds. */
  private readonly guard: CountGuard;
  private readonly objects: mongoose.Model<ObjectDoc>;
  readonly outbox: MongoOutbox;

  constructor(private readonly connection: Connection) {
    this.sources = modelOn(connection, 'BusySource', sourceSchema);
    this.guard = new CountGuard(connection, 'BusySourceCalendar', 'busy_source_calendars');
    this.objects = modelOn(connection, 'BusySourceObject', objectSchema);
    this.outbox = new MongoOutbox(connection, 'sync_outbox');
  }

  async init(): Promise<void> {
    await Promise.all([this.sources.init(), this.guard.init(), this.objects.init(), this.outbox.init()]);
  }

  async create(source: BusySource, max: number): Promise<boolean> {
    return this.guard.insertWithin(
      this.sources,
      source.calendarId,
      { calendar_id: source.calendarId },
      toSourceDoc(source),
      max,
    );
  }

  async find(id: string): Promise<BusySource | null> {
    const doc = await this.sources.findById(id).lean<SourceDoc>();
    return doc ? toSource(doc) : null;
  }

  async listByCalendar(calendarId: string): Promise<BusySource[]> {
    const docs = await this.sources
      .find({ calendar_id: calendarId })
      .sort({ created_at: 1, _id: 1 })
      .lean<SourceDoc[]>();
    return docs.map(toSource);
  }

  /** One findOneAndUpdate: the server leases a document to one caller only. */
  async claimDue(now: Date, lease: Lease): Promise<BusySource | null> {
    const doc = await this.sources
      .findOneAndUpdate(
        { next_sync_at: { $lte: now }, lease_until: { $lte: now } },
        { $set: { lease_token: lease.token, lease_until: lease.until } },
        { sort: { next_sync_at: 1 }, returnDocument: 'after' },
      )
      .lean<SourceDoc>();
    return doc ? toSource(doc) : null;
  }

  async renewLease(id: string, token: string, until: Date): Promise<boolean> {
    const result = await this.sources.updateOne({ _id: id, lease_token: token }, { $set: { lease_until: until } });
    return result.matchedCount > 0;
  }

  async recordSync(
    id: string,
    token: string,
    record: SyncRecord,
    message: Envelope | null,
    requestId?: string,
    objects?: ObjectChanges,
  ): Promise<boolean> {
    const objectWrites = objects && writesAny(objects) ? objects : null;
    const write = async (session?: mongoose.ClientSession) => {
      // First, and in the transaction: the lease decides whether anything is written.
      const result = await this.sources.updateOne(
        { _id: id, lease_token: token },
        { $set: { ...toSyncFields(record), ...toResealedFields(record), lease_token: null, lease_until: NO_LEASE } },
        session ? { session } : {},
      );
      // Matched is what the lease decides; a write that changes nothing (the same values) still holds it.
      if (result.matchedCount === 0) return false;
      if (objectWrites && session) await this.writeObjects(id, objectWrites, session);
      if (message && session) await this.outbox.add(id, [message], session, requestId);
      return true;
    };
    // Only a write that publishes or stores objects needs the transaction that keeps them together.
    return message || objectWrites ? inTransaction(this.connection, write) : write();
  }

  async objectsOf(id: string): Promise<ObjectBusy[]> {
    const docs = await this.objects.find({ source_id: id }).lean<ObjectDoc[]>();
    return docs.map(toObject);
  }

  private async writeObjects(id: string, changes: ObjectChanges, session: mongoose.ClientSession): Promise<void> {
    if (changes.replace) {
      await this.objects.deleteMany({ source_id: id }, { session });
      if (changes.objects.length > 0)
        // Lean: plain documents, no model instance per object (a full read may store thousands).
        await this.objects.insertMany(
          changes.objects.map((o) => toObjectDoc(id, o)),
          { session, lean: true },
        );
      return;
    }
    await this.objects.bulkWrite(
      [
        ...changes.deletions.map((href) => ({ deleteOne: { filter: { _id: objectId(id, href) } } })),
        ...changes.upserts.map((o) => {
          const doc = toObjectDoc(id, o);
          return { replaceOne: { filter: { _id: doc._id }, replacement: doc, upsert: true } };
        }),
      ],
      { session },
    );
  }

  async remove(id: string, expectedVersion: number, message: Envelope, requestId?: string): Promise<boolean> {
    return inTransaction(this.connection, async (session) => {
      const result = await this.sources.deleteOne({ _id: id, version: expectedVersion }, { session });
      if (result.deletedCount === 0) return false;
      await this.objects.deleteMany({ source_id: id }, { session });
      await this.outbox.add(id, [message], session, requestId);
      return true;
    });
  }

  /** The calendar's few sources (at most MAX_BUSY_SOURCES_PER_CALENDAR) through its index, the targets picked here. */
  async writeTargets(calendarId: string): Promise<BusySource[]> {
    return (await this.listByCalendar(calendarId)).filter(writesBookings);
  }
}

/** Whether applying `changes` writes anything: a full read always does (it may empty the objects). */
const writesAny = (changes: ObjectChanges): boolean =>
  changes.replace || changes.upserts.length > 0 || changes.deletions.length > 0;
