import { cancelTokens } from '@slotkeeper/auth';
import { createHash } from 'node:crypto';
import { setImmediate } from 'node:timers/promises';
import type { BookingDeps } from '../../domain/booking-use-cases.js';

export type PlatformPorts = Pick<BookingDeps, 'cancelTokens' | 'digest' | 'nextTurn'>;

/** The domain's ports onto Node: cryptography and the event loop. */
export function platformPorts(cancelTokenKey: Buffer): PlatformPorts {
  return {
    cancelTokens: cancelTokens(cancelTokenKey),
    digest: (text) => createHash('sha256').update(text).digest('hex'),
    // setImmediate runs after the I/O already waiting: other requests are served in between.
    nextTurn: () => setImmediate(),
  };
}
