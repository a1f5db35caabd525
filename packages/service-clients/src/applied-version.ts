import { ServiceUnavailableError } from '@slotkeeper/errors';
import type { Upstream } from '@slotkeeper/http-kit';
import { setTimeout as sleep } from 'node:timers/promises';
import { requestIdHeaders } from './index.js';

/**
 * Read your writes across services: asks `upstream` (with the caller's identity) for the version
 * it has applied at `url` (`200 { version }`) until it reaches `version`, polling at 2, 4, … up
 * to 100 ms, for at most `timeoutMs`; then throws ServiceUnavailableError with `detail`. The
 * change itself travels over the broker; this only waits for its arrival. Works with any number
 * of instances of both services: whichever instance answers reads the shared store.
 */
export async function awaitAppliedVersion(
  upstream: Upstream,
  url: string,
  version: number,
  { timeoutMs, detail }: { timeoutMs: number; detail: string },
): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (let delay = 2; ; delay = Math.min(2 * delay, 100)) {
    if ((await appliedVersion(upstream, url, until)) >= version) return;
    if (Date.now() + delay > until) throw new ServiceUnavailableError(detail);
    await sleep(delay);
  }
}

/** The version applied, 0 when the service cannot say by `until`. */
async function appliedVersion(upstream: Upstream, url: string, until: number): Promise<number> {
  const asked = upstream
    .request({ method: 'GET', url, headers: requestIdHeaders() })
    .then((response) => (response.statusCode === 200 ? (JSON.parse(response.body) as { version: number }).version : 0))
    // The service is restarting or unreachable: ask again until the deadline.
    .catch(() => 0);
  const late = new AbortController();
  const deadline = sleep(Math.max(0, until - Date.now()), 0, { signal: late.signal }).catch(() => 0);
  try {
    return await Promise.race([asked, deadline]);
  } finally {
    late.abort();
  }
}
