import mongoose, { type Connection } from 'mongoose';
import { z } from 'zod';

/** What a service with a MongoDB store reads from the environment. */
export const mongoConfig = z.object({
  MONGODB_URL: z.url().optional(),
  /** How long any store call may take before the request gets a 503 (default 5 s). */
  MONGODB_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(5_000),
});

/**
 * The client options every service uses. No command buffering (mongoose would hold requests
 * 10 s during an outage, then fail); server selection gives up after 2 s; writes wait for a
 * majority and the journal, so nothing acknowledged is lost on a fail-over, but no longer than
 * `timeoutMs` (a replica set that lost its majority answers an error, it does not hang).
 */
export const clientOptions = (timeoutMs: number) =>
  ({
    bufferCommands: false,
    serverSelectionTimeoutMS: Math.min(2_000, timeoutMs),
    socketTimeoutMS: 4 * timeoutMs,
    writeConcern: { w: 'majority', journal: true, wtimeoutMS: timeoutMs },
    autoIndex: true,
  }) as const;

export class StandaloneServerError extends Error {
  constructor() {
    super(
      'MONGODB_URL points at a standalone MongoDB server. Slotkeeper needs transactions, which need a ' +
        'replica set: start mongod with --replSet rs0, run rs.initiate() once, and add ' +
        '?replicaSet=rs0 to MONGODB_URL (docker-compose.yml shows a single-node replica set).',
    );
  }
}

/**
 * Connects one service's connection (a service owns its own collections) and refuses to go on
 * against a standalone server, where the booking guarantee's transactions cannot run.
 */
export async function connectMongo(url: string, timeoutMs = 5_000): Promise<Connection> {
  const connection = mongoose.createConnection(url, clientOptions(timeoutMs));
  await connection.asPromise();
  try {
    await assertReplicaSet(connection);
  } catch (error) {
    await connection.close();
    throw error;
  }
  return connection;
}

/** A replica-set member or a mongos router: both run multi-document transactions. */
export async function assertReplicaSet(connection: Connection): Promise<void> {
  const hello = (await connection.db!.admin().command({ hello: 1 })) as { setName?: string; msg?: string };
  if (!hello.setName && hello.msg !== 'isdbgrid') throw new StandaloneServerError();
}

/** Whether the database answers a ping within `timeoutMs`: `/health` checks, never assumes. */
export async function pingMongo(connection: Connection, timeoutMs = 1_000): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  const ping = (async () => {
    if (connection.readyState !== 1 || !connection.db) return false;
    const answer = (await connection.db.admin().command({ ping: 1 })) as { ok?: number };
    return answer.ok === 1;
  })().catch(() => false);
  try {
    return await Promise.race([ping, late]);
  } finally {
    clearTimeout(timer);
  }
}
