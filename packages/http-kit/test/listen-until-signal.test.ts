import { spawn } from 'node:child_process';
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { closeInOrder } from '../src/run.js';

const fixture = fileURLToPath(new URL('./fixtures/stuck-server.ts', import.meta.url));

describe('listenUntilSignal', () => {
  it('when a request is still in flight at the drain deadline, then the process gives up and exits 1', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', fixture], {
      env: { ...process.env, DEADLINE_MS: '500' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const url = await new Promise<string>((resolve) =>
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        const found = /listening on (\S+)/.exec(chunk);
        if (found) resolve(found[1]!);
      }),
    );
    const stuck = new Promise<string>((resolve) =>
      request(`${url}/stuck`, { agent: false })
        .on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'))
        .end(),
    );
    await new Promise((resolve) => setTimeout(resolve, 200));

    const signalled = Date.now();
    child.kill('SIGTERM');

    expect(await exited).toBe(1);
    expect(Date.now() - signalled).toBeGreaterThanOrEqual(450);
    expect(Date.now() - signalled).toBeLessThan(5_000);
    expect(await stuck).toBe('ECONNRESET');
  }, 30_000);
});

describe('closeInOrder', () => {
  it('when the process shuts down, then each resource closes once the one before it has closed', async () => {
    const closed: string[] = [];
    const outbox = {
      close: () => new Promise<void>((resolve) => setTimeout(() => resolve(void closed.push('outbox')), 20)),
    };
    const bus = { close: () => void closed.push('bus') };
    const db = { close: async () => void closed.push('db') };
    await closeInOrder(outbox, bus, db)();
    expect(closed).toEqual(['outbox', 'bus', 'db']);
  });
});
