import { setImmediate as nextTick } from 'node:timers/promises';
import type { OutboundClient } from '@slotkeeper/outbound-http';

/**
 * The client as one read uses it under its deadline: no request starts once `signal` is aborted,
 * and one under way is given up then (the socket still ends within the client's own deadline).
 */
export function clientUntil(client: OutboundClient, signal: AbortSignal | undefined): OutboundClient {
  if (!signal) return client;
  return {
    request: (url, request) => {
      signal.throwIfAborted();
      const answer = client.request(url, request);
      return new Promise((resolve, reject) => {
        const onAbort = () => reject(signal.reason as Error);
        signal.addEventListener('abort', onAbort, { once: true });
        answer.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
      });
    },
    close: () => client.close(),
  };
}

/** busyTimesOf's `nextTurn`: a turn of the event loop, then the deadline checked. */
export const turnUntil = (signal: AbortSignal | undefined) => async (): Promise<void> => {
  await nextTick();
  signal?.throwIfAborted();
};
