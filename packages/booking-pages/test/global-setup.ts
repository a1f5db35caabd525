import { ensureBuilt } from '../src/server/build.js';

/**
 * Vitest's global setup: builds the booking pages once, before any test file runs, when their
 * sources changed since the install; otherwise every worker that starts a gateway would build them
 * at once in its own hooks.
 */
export async function setup(): Promise<void> {
  await ensureBuilt((message) => console.log(message));
}
