import type { Connection } from 'mongoose';
import { afterAll, beforeAll, beforeEach, describe } from 'vitest';
import { connectMongo } from '@slotkeeper/mongo';
import { mongoTarget, uniqueDbUrl, type MongoTarget } from './mongo-target.js';

export interface ContractLegs<R> {
  memory: () => R;
  /** Builds the MongoDB adapter on a fresh database; `init` builds its indexes. */
  mongo: (connection: Connection) => R & { init?: () => Promise<void> };
}

let target: Promise<MongoTarget> | undefined;
const sharedTarget = () => (target ??= mongoTarget());

/**
 * Runs one contract suite against every adapter of a port: in-memory always; MongoDB when
 * `MONGODB_URL` is set or Docker can start one, otherwise the leg is skipped and says why.
 * `suite` receives a getter for a fresh repository per test.
 */
export async function describeContract<R>(port: string, legs: ContractLegs<R>, suite: (repo: () => R) => void) {
  describe(`${port} contract [memory]`, () => {
    let repo: R;
    beforeEach(() => {
      repo = legs.memory();
    });
    suite(() => repo);
  });

  const mongo = await sharedTarget();
  if ('reason' in mongo) console.warn(`[skip] ${port} contract [mongodb]: ${mongo.reason}`);
  describe.skipIf(!mongo.url)(`${port} contract [mongodb]`, () => {
    let connection: Connection;
    let repo: R;
    beforeAll(async () => {
      connection = await connectMongo(uniqueDbUrl(mongo.url!, port.replace(/\W/g, '_')));
    });
    beforeEach(async () => {
      // Empty the collections but keep them and their indexes: Model.init() builds indexes once.
      await Promise.all(Object.values(connection.collections).map((collection) => collection.deleteMany({})));
      const adapter = legs.mongo(connection);
      await adapter.init?.();
      repo = adapter;
    });
    afterAll(async () => {
      await connection?.dropDatabase();
      await connection?.close();
      if (mongo.url && 'stop' in mongo) await mongo.stop();
    });
    suite(() => repo);
  });
}
