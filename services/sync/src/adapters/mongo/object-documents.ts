import { mongoose, required, schemaOptions } from '@slotkeeper/mongo';
import type { ObjectBusy } from '../../domain/busy-source.js';

/**
 * One object of a CalDAV source as `busy_source_objects` holds it: `_id` is `{source_id}:{href}`,
 * its busy time as `[start, end)` pairs of epoch ms.
 */
export interface ObjectDoc {
  _id: string;
  source_id: string;
  href: string;
  etag: string | null;
  busy: Array<[number, number]>;
}

export const objectSchema = new mongoose.Schema<ObjectDoc>(
  {
    _id: required(String),
    source_id: required(String),
    href: required(String),
    etag: { type: String, default: null },
    busy: { type: [[Number]], required: true },
  },
  { ...schemaOptions, collection: 'busy_source_objects' },
);
// A source's objects: read by an incremental sync, replaced by a full one, deleted with the source.
objectSchema.index({ source_id: 1 }, { name: 'by_source' });

export const objectId = (sourceId: string, href: string) => `${sourceId}:${href}`;

export const toObjectDoc = (sourceId: string, o: ObjectBusy): ObjectDoc => ({
  _id: objectId(sourceId, o.href),
  source_id: sourceId,
  href: o.href,
  etag: o.etag,
  busy: o.busy.map(({ start, end }) => [start, end]),
});

export const toObject = (doc: ObjectDoc): ObjectBusy => ({
  href: doc.href,
  etag: doc.etag ?? null,
  busy: doc.busy.map(([start, end]) => ({ start, end })),
});
