import { randomUUID } from 'node:crypto';
import {
  duplicateKeyIndex,
  eventPaths,
  fromEventDoc,
  modelOn,
  mongoose,
  required,
  schemaOptions,
  toEventDoc,
  type EventDoc,
} from '@slotkeeper/mongo';
import type { Connection } from 'mongoose';
import { earliestStart, lengthBeyondDay, type OutboundEvent } from '../domain/outbound-event.js';
import type { OutboundRepository } from '../domain/outbound-repository.js';
import {
  jobKey,
  type ClaimedJob,
  type Settlement,
  type WriteBackJob,
  type WriteRequest,
} from '../domain/write-back-job.js';

/** An event of the projection: the contract's event, its version and when that version was published. */
type OutboundEventDoc = EventDoc & { version: number; updated_at: Date };

/** A calendar's current feed token, as its SHA-256 (hex) only. */
interface FeedTokenDoc {
  _id: string;
  token_hash: string;
  created_at: Date;
}

/** What the feed needs of a calendar beyond its events: its longest event beyond a day (see `earliestStart`). */
interface CalendarDoc {
  _id: string;
  longest_event_ms: number;
}

/** A write-back job: `_id` is `{source_id}:{event_id}`, one per target and event. */
interface JobDoc {
  _id: string;
  source_id: string;
  calendar_id: string;
  event_id: string;
  version: number;
  state: WriteBackJob['state'];
  attempts: number;
  next_attempt_at: Date | null;
  last_error: string | null;
  lease_id: string | null;
  /** Until when a worker holds it; the epoch when nobody does (one range condition claims it). */
  lease_until: Date;
}

const eventSchema = new mongoose.Schema<OutboundEventDoc>(
  { _id: required(String), ...eventPaths, version: required(Number), updated_at: required(Date) },
  { ...schemaOptions, collection: 'outbound_events' },
);
// The feed: a calendar's events by start from `earliestStart` on, those ended before the cut skipped
// within the index. Also a deleted calendar's events.
eventSchema.index({ calendar_id: 1, start_time: 1, _id: 1, end_time: 1 }, { name: 'feed_by_start' });

const calendarSchema = new mongoose.Schema<CalendarDoc>(
  { _id: required(String), longest_event_ms: required(Number) },
  { ...schemaOptions, collection: 'outbound_calendars' },
);

const tokenSchema = new mongoose.Schema<FeedTokenDoc>(
  { _id: required(String), token_hash: required(String), created_at: required(Date) },
  { ...schemaOptions, collection: 'feed_tokens' },
);

const jobSchema = new mongoose.Schema<JobDoc>(
  {
    _id: required(String),
    source_id: required(String),
    calendar_id: required(String),
    event_id: required(String),
    version: required(Number),
    state: required(String),
    attempts: required(Number),
    next_attempt_at: { type: Date, default: null },
    last_error: { type: String, default: null },
    lease_id: { type: String, default: null },
    lease_until: required(Date),
  },
  { ...schemaOptions, collection: 'write_back_jobs' },
);
// The worker's claim: pending jobs in due order, not leased (done and failed ones are not in it).
jobSchema.index(
  { next_attempt_at: 1, lease_until: 1 },
  { name: 'pending_by_due', partialFilterExpression: { state: 'pending' } },
);
// A deleted source's jobs, and a deleted calendar's.
jobSchema.index({ source_id: 1 }, { name: 'by_source' });
jobSchema.index({ calendar_id: 1 }, { name: 'by_calendar' });

const toEvent = ({ version, updated_at, ...doc }: OutboundEventDoc): OutboundEvent => ({
  ...fromEventDoc(doc),
  version,
  updatedAt: updated_at,
});

const toJob = (doc: JobDoc): WriteBackJob => ({
  sourceId: doc.source_id,
  calendarId: doc.calendar_id,
  eventId: doc.event_id,
  version: doc.version,
  state: doc.state,
  attempts: doc.attempts,
  nextAttemptAt: doc.next_attempt_at,
  lastError: doc.last_error,
});

const released = { lease_id: null, lease_until: new Date(0) };

export class MongoOutboundRepository implements OutboundRepository {
  private readonly events: mongoose.Model<OutboundEventDoc>;
  private readonly tokens: mongoose.Model<FeedTokenDoc>;
  private readonly jobs: mongoose.Model<JobDoc>;
  private readonly calendars: mongoose.Model<CalendarDoc>;

  constructor(connection: Connection) {
    this.events = modelOn(connection, 'OutboundEvent', eventSchema);
    this.tokens = modelOn(connection, 'FeedToken', tokenSchema);
    this.jobs = modelOn(connection, 'WriteBackJob', jobSchema);
    this.calendars = modelOn(connection, 'OutboundCalendar', calendarSchema);
  }

  async init(): Promise<void> {
    await Promise.all([this.events.init(), this.tokens.init(), this.jobs.init(), this.calendars.init()]);
  }

  /**
   * One conditional upsert: written only over an older version. Where the stored version is as
   * new or newer, the filter matches nothing, the upsert's insert collides on `_id`, and nothing
   * changes. An event longer than a day first raises its calendar's longest, so that the feed never
   * reads past it, also when the process stops between the two writes and the message comes again.
   */
  async applyEvent(event: OutboundEvent): Promise<boolean> {
    const length = lengthBeyondDay(event);
    if (length > 0) {
      await this.calendars.updateOne(
        { _id: event.calendarId },
        { $max: { longest_event_ms: length } },
        { upsert: true },
      );
    }
    const { _id, ...fields } = toEventDoc(event);
    try {
      const result = await this.events.updateOne(
        { _id, version: { $lt: event.version } },
        { $set: { ...fields, version: event.version, updated_at: event.updatedAt } },
        { upsert: true },
      );
      return result.modifiedCount + result.upsertedCount > 0;
    } catch (error) {
      if (duplicateKeyIndex(error) === '_id_') return false;
      throw error;
    }
  }

  async findEvent(eventId: string): Promise<OutboundEvent | null> {
    const doc = await this.events.findById(eventId).lean<OutboundEventDoc>();
    return doc ? toEvent(doc) : null;
  }

  async feedEvents(calendarId: string, endsFrom: Date, limit: number): Promise<OutboundEvent[]> {
    const calendar = await this.calendars.findById(calendarId).lean<CalendarDoc>();
    const startsFrom = earliestStart(endsFrom, calendar?.longest_event_ms ?? 0);
    const docs = await this.events
      .find({ calendar_id: calendarId, start_time: { $gte: startsFrom }, end_time: { $gte: endsFrom } })
      .sort({ start_time: 1, _id: 1 })
      .limit(limit)
      .lean<OutboundEventDoc[]>();
    return docs.map(toEvent);
  }

  async setFeedToken(calendarId: string, tokenHash: string, at: Date): Promise<void> {
    await this.tokens.updateOne(
      { _id: calendarId },
      { $set: { token_hash: tokenHash, created_at: at } },
      { upsert: true },
    );
  }

  async feedTokenHash(calendarId: string): Promise<string | null> {
    const doc = await this.tokens.findById(calendarId).lean<FeedTokenDoc>();
    return doc?.token_hash ?? null;
  }

  /** As `applyEvent`: over an older version only; the lease fields are left as they are. */
  async recordWrite(request: WriteRequest, now: Date): Promise<void> {
    const _id = jobKey(request.sourceId, request.eventId);
    try {
      await this.jobs.updateOne(
        { _id, version: { $lt: request.version } },
        {
          $set: {
            source_id: request.sourceId,
            calendar_id: request.calendarId,
            event_id: request.eventId,
            version: request.version,
            state: 'pending',
            attempts: 0,
            next_attempt_at: now,
            last_error: null,
          },
          $setOnInsert: released,
        },
        { upsert: true },
      );
    } catch (error) {
      if (duplicateKeyIndex(error) !== '_id_') throw error;
    }
  }

  /**
   * Each job taken by one `findOneAndUpdate` whose filter is the claim's condition: of several
   * workers asking at once, exactly one matches a given job.
   */
  async claimDue(now: Date, leaseMs: number, limit: number): Promise<ClaimedJob[]> {
    const claimed: ClaimedJob[] = [];
    while (claimed.length < limit) {
      const leaseId = randomUUID();
      const doc = await this.jobs
        .findOneAndUpdate(
          { state: 'pending', next_attempt_at: { $lte: now }, lease_until: { $lte: now } },
          { $set: { lease_id: leaseId, lease_until: new Date(now.getTime() + leaseMs) }, $inc: { attempts: 1 } },
          { sort: { next_attempt_at: 1 }, returnDocument: 'after' },
        )
        .lean<JobDoc>();
      if (!doc) break;
      claimed.push({ ...toJob(doc), leaseId });
    }
    return claimed;
  }

  async settle(job: ClaimedJob, outcome: Settlement): Promise<void> {
    const _id = jobKey(job.sourceId, job.eventId);
    const held = { _id, lease_id: job.leaseId, version: job.version };
    const result =
      outcome.kind === 'dropped'
        ? await this.jobs.deleteOne(held)
        : await this.jobs.updateOne(held, { $set: { ...released, ...settled(outcome) } });
    const matched = 'deletedCount' in result ? result.deletedCount : result.matchedCount;
    // A newer version was recorded meanwhile: it keeps its own state and runs next.
    if (matched === 0) await this.jobs.updateOne({ _id, lease_id: job.leaseId }, { $set: released });
  }

  async findWriteJob(sourceId: string, eventId: string): Promise<WriteBackJob | null> {
    const doc = await this.jobs.findById(jobKey(sourceId, eventId)).lean<JobDoc>();
    return doc ? toJob(doc) : null;
  }

  async dropWriteJobs(sourceId: string): Promise<void> {
    await this.jobs.deleteMany({ source_id: sourceId });
  }

  /** The token first: the feed stops answering before anything else goes. Each step repeats harmlessly. */
  async forgetCalendar(calendarId: string): Promise<void> {
    await this.tokens.deleteOne({ _id: calendarId });
    await this.jobs.deleteMany({ calendar_id: calendarId });
    await this.events.deleteMany({ calendar_id: calendarId });
    await this.calendars.deleteOne({ _id: calendarId });
  }
}

function settled(outcome: Exclude<Settlement, { kind: 'dropped' }>): Partial<JobDoc> {
  switch (outcome.kind) {
    case 'done':
      return { state: 'done', next_attempt_at: null, last_error: null };
    case 'retry':
      return { next_attempt_at: outcome.at, last_error: outcome.error };
    case 'failed':
      return { state: 'failed', next_attempt_at: null, last_error: outcome.error };
  }
}
