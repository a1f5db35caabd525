import type mongoose from 'mongoose';
import type { Connection } from 'mongoose';

/** Schema options every collection shares: no `__v` (ids are `_id: String` paths, set by adapters). */
export const schemaOptions = { versionKey: false as const };

/** The connection's model of that name, compiled once: compiling it twice throws. */
export function modelOn<T>(
  connection: Connection,
  name: string,
  schema: mongoose.Schema<T>,
  collection?: string,
): mongoose.Model<T> {
  return (connection.models[name] as mongoose.Model<T> | undefined) ?? connection.model<T>(name, schema, collection);
}
