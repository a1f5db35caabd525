import mongoose, { type Connection } from 'mongoose';

export { mongoose };

/**
 * One connection per service (a service owns its own collection). Writes wait for a majority
 * and the journal, so nothing acknowledged with a 201 is lost on a restart.
 */
export async function connectMongo(url: string): Promise<Connection> {
  const connection = mongoose.createConnection(url, {
    serverSelectionTimeoutMS: 10_000,
    writeConcern: { w: 'majority', journal: true },
    autoIndex: true,
  });
  await connection.asPromise();
  return connection;
}

export const isConnected = (connection: Connection): boolean => connection.readyState === 1;

/** MongoDB's E11000: a unique index refused the write. */
export function isDuplicateKeyError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 11000;
}

/** Schema options every collection shares: no `__v` (ids are `_id: String` paths, set by adapters). */
export const schemaOptions = { versionKey: false as const };

/** The connection's model of that name, compiled once: compiling it twice throws. */
export function modelOn<T>(connection: Connection, name: string, schema: mongoose.Schema<T>): mongoose.Model<T> {
  return (connection.models[name] as mongoose.Model<T> | undefined) ?? connection.model<T>(name, schema);
}
export * from './outbox.js';
export * from './paths.js';

export interface OpenedStore<R> {
  store: R;
  /** Whether the store can serve (in memory: always). */
  healthy: () => boolean;
  close: () => Promise<void>;
}

/**
 * A service's store: MongoDB (indexes built) when `url` is set, otherwise the in-memory
 * adapter, the embedded default.
 */
export async function openStore<R>(
  url: string | undefined,
  adapters: { mongo: (connection: Connection) => R & { init(): Promise<void> }; memory: () => R },
): Promise<OpenedStore<R>> {
  if (!url) return { store: adapters.memory(), healthy: () => true, close: async () => {} };
  const connection = await connectMongo(url);
  const store = adapters.mongo(connection);
  await store.init();
  return { store, healthy: () => isConnected(connection), close: () => connection.close() };
}
