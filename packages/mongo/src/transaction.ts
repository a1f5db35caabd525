import { ServiceUnavailableError } from '@slotkeeper/errors';
import type { ClientSession, Connection } from 'mongoose';

/**
 * Runs `work` in a multi-document transaction (snapshot reads, majority commit). The driver's
 * `withTransaction` runs it again on a transient error, such as the write conflict two
 * transactions on one calendar head provoke; past `deadlineMs` no new attempt starts, so a
 * conflict storm or an outage ends in a 503. The server gives a commit at most `deadlineMs`
 * (`maxCommitTimeMS`), but the driver may still retry a commit whose outcome it does not know:
 * the caller's bound (withStoreErrors) may then answer 503 for a transaction that commits after
 * all. It commits whole, never in part, and a retry with the same Idempotency-Key finds it.
 */
export async function inTransaction<T>(
  connection: Connection,
  work: (session: ClientSession) => Promise<T>,
  deadlineMs = 5_000,
): Promise<T> {
  const session = await connection.startSession();
  const until = Date.now() + deadlineMs;
  try {
    return await session.withTransaction(
      async () => {
        if (Date.now() > until) throw new ServiceUnavailableError('the database is too busy to commit this change now');
        return work(session);
      },
      {
        readConcern: { level: 'snapshot' },
        writeConcern: { w: 'majority', journal: true },
        maxCommitTimeMS: deadlineMs,
      },
    );
  } finally {
    await session.endSession();
  }
}
