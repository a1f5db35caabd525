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

/**
 * The last turn handed out to an expansion in this process. Concurrent syncs queue for turns
 * behind one another, so each pass of the event loop runs one sync's slice (about 8 ms) and then
 * serves everything else waiting (the requests of an embedded system), not every sync's slice in
 * a row: with four syncs each taking its own turns, a request waited behind four slices at every
 * step it took through the loop.
 */
let lastTurn: Promise<void> = Promise.resolve();

/** busyTimesOf's `nextTurn`: this expansion's next turn of the event loop, then the deadline checked. */
export const turnUntil = (signal: AbortSignal | undefined) => async (): Promise<void> => {
  const turn = lastTurn.then(() => nextTick());
  lastTurn = turn;
  await turn;
  signal?.throwIfAborted();
};
