import type { Envelope } from '@slotkeeper/contracts';
import mongoose, { type ClientSession, type Connection } from 'mongoose';
import { modelOn, schemaOptions } from './models.js';

/** One pending message: written in the transaction of the change it announces, deleted once published. */
interface OutboxDoc {
  _id: string;
  aggregate_id: string;
  message: Envelope;
  /** The request whose write this message announces (absent when none is known). */
  request_id?: string;
  /** Write order within this process (microseconds since the epoch, strictly increasing). */
  seq: number;
  written_at: Date;
}

const outboxSchema = new mongoose.Schema<OutboxDoc>(
  {
    _id: { type: String, required: true },
    aggregate_id: { type: String, required: true },
    message: { type: mongoose.Schema.Types.Mixed, required: true },
    request_id: { type: String },
    seq: { type: Number, required: true },
    written_at: { type: Date, required: true },
  },
  // `minimize: false`: an envelope's empty `data` object stays as written.
  { ...schemaOptions, minimize: false },
);
outboxSchema.index({ aggregate_id: 1, seq: 1 }, { name: 'pending_by_aggregate' });
outboxSchema.index({ written_at: 1 }, { name: 'pending_by_age' });

let lastSeq = 0;
const nextSeq = () => (lastSeq = Math.max(lastSeq + 1, Date.now() * 1_000));

/**
 * A service's outbox collection: `add` writes messages inside the caller's transaction, the
 * OutboxStore methods serve the relay. Pending messages are documents of their own, so no
 * document grows with an aggregate's history.
 */
export class MongoOutbox {
  private readonly model: mongoose.Model<OutboxDoc>;

  constructor(connection: Connection, collection: string) {
    this.model = modelOn(connection, `Outbox:${collection}`, outboxSchema, collection);
  }

  async init(): Promise<void> {
    await this.model.init();
  }

  async add(aggregateId: string, messages: Envelope[], session: ClientSession, requestId?: string): Promise<void> {
    if (messages.length === 0) return;
    const written_at = new Date();
    const docs = messages.map((message) => ({
      _id: message.id,
      aggregate_id: aggregateId,
      message,
      ...(requestId && { request_id: requestId }),
      seq: nextSeq(),
      written_at,
    }));
    await this.model.insertMany(docs, { session });
  }

  async pendingFor(aggregateId: string): Promise<Array<{ message: Envelope; requestId?: string }>> {
    const docs = await this.model
      .find({ aggregate_id: aggregateId }, { message: 1, request_id: 1 })
      .sort({ seq: 1 })
      .lean<Array<Pick<OutboxDoc, 'message' | 'request_id'>>>();
    return docs.map((doc) => ({ message: doc.message, ...(doc.request_id && { requestId: doc.request_id }) }));
  }

  async aggregatesWithPending(before: Date, limit: number): Promise<string[]> {
    const docs = await this.model
      .find({ written_at: { $lte: before } }, { aggregate_id: 1 })
      .sort({ written_at: 1 })
      .limit(limit)
      .lean<Array<Pick<OutboxDoc, 'aggregate_id'>>>();
    return [...new Set(docs.map((doc) => doc.aggregate_id))];
  }

  async markPublished(aggregateId: string, messageIds: string[]): Promise<void> {
    await this.model.deleteMany({ aggregate_id: aggregateId, _id: { $in: messageIds } });
  }
}
