import { vi } from 'vitest';
import net from 'node:net';
import { startStack, type Stack, type StackOptions } from '../stack/launch.js';

export { deleteStackTopology } from '../stack/launch.js';

/**
 * Where the kernel never hands out ports on its own: below Linux's ephemeral range (32768–60999),
 * which every outgoing connection and every server on port 0 (Radicale, the tests' local servers)
 * draws from, so a port found free here could be taken before the stack's process listened on it.
 */
const PORTS = { from: 20_000, to: 32_000 };

/** A run of `count` free loopback ports. */
export async function freePortBlock(count = 8): Promise<number> {
  for (;;) {
    const base = PORTS.from + Math.floor(Math.random() * (PORTS.to - PORTS.from - count));
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
