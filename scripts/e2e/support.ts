import { vi } from 'vitest';
import net from 'node:net';
import { startStack, type Stack, type StackOptions } from '../stack/launch.js';

export { deleteStackTopology } from '../stack/launch.js';

/** A run of `count` free loopback ports. */
export async function freePortBlock(count = 7): Promise<number> {
  for (;;) {
    const base = 20_000 + Math.floor(Math.random() * 30_000);
    const free = await Promise.all(
      Array.from(
        { length: count },
        (_, i) =>
          new Promise<boolean>((resolve) => {
            const server = net.createServer().once('error', () => resolve(false));
            server.listen(base + i, '127.0.0.1', () => server.close(() => resolve(true)));
          }),
      ),
    );
    if (free.every(Boolean)) return base;
  }
}

/** Retries `check` until it stops throwing, or rethrows its last error after `ms`. */
export const eventually = <T>(check: () => Promise<T>, ms = 10_000): Promise<T> =>
  vi.waitFor(check, { timeout: ms, interval: 50 });

/** A stack on a free block of loopback ports, for a test. */
export async function startTestStack(env: StackOptions['env'], output?: StackOptions['output']): Promise<Stack> {
  const base = await freePortBlock();
  return startStack({ gatewayPort: base, basePort: base, env, ...(output && { output }) });
}
