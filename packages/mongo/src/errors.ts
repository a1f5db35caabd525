import { ServiceUnavailableError } from '@slotkeeper/errors';
import mongoose from 'mongoose';

const { mongo } = mongoose;

/** MongoDB's E11000: a unique index refused the write. */
export function isDuplicateKeyError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 11000;
}

/**
 * The name of the unique index an E11000 hit (`email_1`, `_id_`, ...), so an adapter can tell a
 * duplicate email from an id collision; undefined for any other error.
 */
export function duplicateKeyIndex(error: unknown): string | undefined {
  if (!isDuplicateKeyError(error)) return undefined;
  const { errmsg, message, keyPattern } = error as { errmsg?: string; message?: string; keyPattern?: object };
  const named = /index: (\S+) dup key/.exec(errmsg ?? message ?? '')?.[1];
  if (named) return named;
  // Older servers and some drivers name no index: derive the default name from its keys.
  return keyPattern ? Object.entries(keyPattern).flat().join('_') : undefined;
}

/**
 * Errors that mean the database cannot answer now (unreachable, no primary, too slow), as
 * opposed to a refusal of this request: they become 503 with Retry-After.
 */
export function isUnavailableError(error: unknown): boolean {
  if (
    error instanceof mongo.MongoServerSelectionError ||
    error instanceof mongo.MongoNetworkError ||
    error instanceof mongo.MongoNotConnectedError ||
    error instanceof mongo.MongoTopologyClosedError ||
    error instanceof mongo.MongoWriteConcernError ||
    error instanceof mongo.MongoOperationTimeoutError
  )
    return true;
  if (error instanceof mongo.MongoError) {
    // Retried transient errors that still failed: no primary, a write conflict storm, a step-down.
    if (error.hasErrorLabel('TransientTransactionError') || error.hasErrorLabel('RetryableWriteError')) return true;
    // MaxTimeMSExpired, WriteConcernTimeout (wtimeout), NotWritablePrimary, PrimarySteppedDown,
    // NotPrimaryNoSecondaryOk, InterruptedDueToReplStateChange, ExceededTimeLimit,
    // ShutdownInProgress, InterruptedAtShutdown, NotPrimaryOrSecondary.
    return [50, 64, 10107, 189, 13435, 11602, 262, 91, 11600, 13436].includes(Number(error.code));
  }
  // mongoose's own refusal while disconnected (bufferCommands is off).
  return error instanceof mongoose.Error && /initial connection|not connected/i.test(error.message);
}

export class StoreTimeoutError extends ServiceUnavailableError {}

/**
 * Wraps a store so that every method's promise settles within `timeoutMs` and database outages
 * surface as ServiceUnavailableError (503 with Retry-After), never as a hang or a 500. A call
 * that times out may still complete in the background: a transaction commits whole or not at
 * all, and an Idempotency-Key retry finds out which.
 */
export function withStoreErrors<R extends object>(store: R, timeoutMs: number): R {
  return new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (typeof value !== 'function') {
        // Nested ports (an adapter's outbox) are guarded the same way.
        return typeof value === 'object' && value !== null && property === 'outbox'
          ? withStoreErrors(value, timeoutMs)
          : value;
      }
      return (...args: unknown[]) => {
        const result = (value as (...a: unknown[]) => unknown).apply(target, args);
        return result instanceof Promise ? bounded(result, timeoutMs) : result;
      };
    },
  });
}

async function bounded<T>(operation: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new StoreTimeoutError(`the database did not answer within ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([operation, timeout]);
  } catch (error) {
    if (isUnavailableError(error)) throw new ServiceUnavailableError('the database is unavailable', { cause: error });
    throw error;
  } finally {
    clearTimeout(timer);
    // A call that lost the race must not surface later as an unhandled rejection.
    operation.catch(() => undefined);
  }
}
