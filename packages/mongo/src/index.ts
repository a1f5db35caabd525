import mongoose from 'mongoose';
import { connectMongo, pingMongo } from './connect.js';
import { withStoreErrors } from './errors.js';

export { mongoose };
export * from './connect.js';
export * from './count-guard.js';
export * from './errors.js';
export * from './event-docs.js';
export * from './frozen.js';
export * from './models.js';
export * from './outbox.js';
export * from './paths.js';
export * from './transaction.js';

export interface OpenedStore<R> {
  store: R;
  /** Whether the store can serve now: MongoDB is pinged (in memory: always). */
  healthy: () => Promise<boolean>;
  close: () => Promise<void>;
}

/**
 * A service's store: MongoDB (a replica set, indexes built) when `url` is set, its every call
 * bounded by `timeoutMs` and its outages reported as 503; otherwise the in-memory adapter, the
 * embedded default.
 */
export async function openStore<R extends object>(
  config: { MONGODB_URL?: string | undefined; MONGODB_TIMEOUT_MS?: number | undefined },
  adapters: { mongo: (connection: mongoose.Connection) => R & { init(): Promise<void> }; memory: () => R },
): Promise<OpenedStore<R>> {
  if (!config.MONGODB_URL) return { store: adapters.memory(), healthy: async () => true, close: async () => {} };
  const timeoutMs = config.MONGODB_TIMEOUT_MS ?? 5_000;
  const connection = await connectMongo(config.MONGODB_URL, timeoutMs);
  const store = adapters.mongo(connection);
  await store.init();
  return {
    store: withStoreErrors(store, timeoutMs),
    healthy: () => pingMongo(connection),
    close: () => connection.close(),
  };
}
