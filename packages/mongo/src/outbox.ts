import type { Envelope } from '@slotkeeper/contracts';
import mongoose from 'mongoose';

export interface OutboxEntryDoc {
  id: string;
  message: Envelope;
  written_at: Date;
}

/** The `outbox` path of a document whose writes carry the messages announcing them. */
export const outboxPath = [
  {
    _id: false,
    id: { type: String, required: true },
    message: { type: mongoose.Schema.Types.Mixed, required: true },
    written_at: { type: Date, required: true },
  },
];

export const outboxEntries = (messages: Envelope[]): OutboxEntryDoc[] =>
  messages.map((message) => ({ id: message.id, message, written_at: new Date() }));

/** The OutboxStore methods over a model whose documents have an `outbox` path (see outboxPath). */
export function mongoOutbox<T extends { _id: string; outbox: OutboxEntryDoc[] }>(model: mongoose.Model<T>) {
  return {
    async pendingFor(id: string): Promise<Envelope[]> {
      const doc = await model.findById(id, { outbox: 1 }).lean<{ outbox?: OutboxEntryDoc[] }>();
      return (doc?.outbox ?? []).map((entry) => entry.message);
    },
    async aggregatesWithPending(before: Date, limit: number): Promise<string[]> {
      const docs = await model
        .find({ 'outbox.written_at': { $lte: before } }, { _id: 1 })
        .limit(limit)
        .lean<Array<{ _id: string }>>();
      return docs.map((doc) => doc._id);
    },
    async markPublished(id: string, messageIds: string[]): Promise<void> {
      await model.updateOne({ _id: id }, { $pull: { outbox: { id: { $in: messageIds } } } } as mongoose.UpdateQuery<T>);
    },
  };
}
