import { spawn, type ChildProcess } from 'node:child_process';
import { Agent, request } from 'node:http';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

type Outcome =
  | { kind: 'answer'; status: number; type: string; retryAfter: string | undefined; body: string }
  | { kind: 'error'; code: string };

/** One request on the agent's keep-alive connections, as an ordinary client sends it. */
function send(agent: Agent, url: string, method: string, body?: unknown, apiKey?: string): Promise<Outcome> {
  return new Promise((resolve) => {
    const headers: Record<string, string> = {
      ...(body !== undefined && { 'content-type': 'application/json' }),
      ...(apiKey && { authorization: `Bearer ${apiKey}` }),
    };
    const sent = request(url, { method, agent, headers }, (response) => {
      let text = '';
      response.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      response.on('end', () =>
        resolve({
          kind: 'answer',
          status: response.statusCode ?? 0,
          type: String(response.headers['content-type']),
          retryAfter: response.headers['retry-after'],
          body: text,
        }),
      );
      response.on('error', (error: NodeJS.ErrnoException) =>
        resolve({ kind: 'error', code: error.code ?? error.message }),
      );
    });
    sent.on('error', (error: NodeJS.ErrnoException) => resolve({ kind: 'error', code: error.code ?? error.message }));
    sent.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

interface Running {
  child: ChildProcess;
  url: string;
  /** Everything the process wrote to stdout and stderr, line by line. */
  lines: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves when a line matching `pattern` has been written. */
  written(pattern: RegExp): Promise<void>;
}

/** `pnpm start`'s process, in a process group of its own, on a free port. */
async function startEmbedded(): Promise<Running> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    RATE_LIMIT_PER_MINUTE: '1000000',
  };
  // None of the service URLs: the embedded system, as `pnpm start` runs it.
  for (const name of ['USER', 'SCHEDULE', 'CALENDAR', 'BOOKING']) delete env[`${name}_SERVICE_URL`];
  const child = spawn(process.execPath, ['--import', 'tsx', 'packages/embedded/src/main.ts'], {
    cwd: root,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const waiting: Array<[RegExp, () => void]> = [];
  for (const stream of [child.stdout, child.stderr]) {
    let rest = '';
    stream?.setEncoding('utf8').on('data', (chunk: string) => {
      const parts = (rest + chunk).split('\n');
      rest = parts.pop() ?? '';
      for (const line of parts) {
        lines.push(line);
        for (const [pattern, found] of waiting) if (pattern.test(line)) found();
      }
    });
  }
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const written = (pattern: RegExp) =>
    lines.some((line) => pattern.test(line))
      ? Promise.resolve()
      : new Promise<void>((resolve) => waiting.push([pattern, resolve]));
  const started = await Promise.race([
    written(/listening on http:\/\//).then(() => 'listening'),
    exited.then(() => 'exited'),
    new Promise((resolve) => setTimeout(resolve, 60_000, 'timed out')),
  ]);
  if (started !== 'listening') throw new Error(`the gateway ${started}:\n${lines.slice(-20).join('\n')}`);
  const url = /listening on (http:\/\/\S+)/.exec(lines.find((line) => /listening on http/.test(line)) ?? '')![1]!;
  return { child, url, lines, exited, written };
}

let running: Running | undefined;
afterAll(() => {
  // Whatever happened above, nothing of the group outlives the test.
  if (running?.child.exitCode === null && running.child.signalCode === null)
    process.kill(-running.child.pid!, 'SIGKILL');
});

describe('shutdown of the embedded system under load', () => {
  it('when the whole process group gets SIGTERM twice mid-load, then no connection is reset, every answer is normal or 503 problem+json, and it exits 0', async () => {
    running = await startEmbedded();
    const { child, url, lines, exited, written } = running;
    const agent = new Agent({ keepAlive: true, maxSockets: 16 });
    const owner = await send(agent, `${url}/api/user/users`, 'POST', { name: 'Ann', email: 'owner@example.com' });
    expect(owner.kind === 'answer' && owner.status).toBe(201);
    const { id, api_key } = JSON.parse((owner as { body: string }).body) as { id: string; api_key: string };

    const outcomes: Outcome[] = [];
    const until = Date.now() + 15_000;
    let users = 0;
    /** Sends requests one after another until the server turns it away or time is up. */
    const worker = async () => {
      for (let i = 0; i < 500 && Date.now() < until; i++) {
        const outcome = await [
          () => send(agent, `${url}/api/user/users`, 'POST', { name: 'Bo', email: `bo${++users}@example.com` }),
          () => send(agent, `${url}/api/user/users/${id}`, 'GET', undefined, api_key),
          () => send(agent, `${url}/health`, 'GET'),
        ][i % 3]!();
        outcomes.push(outcome);
        // A 503 asks to come back after Retry-After; a refused connection means nothing listens.
        if (outcome.kind === 'error' || outcome.status === 503) return;
      }
    };
    const load = Promise.all(Array.from({ length: 16 }, worker));

    while (outcomes.length < 300 && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 10));
    const before = outcomes.length;
    // A client connected but silent: the server waits for it (up to its grace) before it closes it,
    // so the shutdown lasts long enough for the second signal to come in the middle of it.
    const { port } = new URL(url);
    const idle = connect(Number(port), '127.0.0.1');
    const idleClosed = new Promise<string>((resolve) => {
      idle.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
      idle.on('close', () => resolve('closed'));
    });
    await new Promise((resolve) => idle.once('connect', resolve));

    process.kill(-child.pid!, 'SIGTERM');
    await written(/"msg":"shutting down/);
    // The second signal a group gets when its parent (pnpm, tsx) passes the first one on.
    process.kill(-child.pid!, 'SIGTERM');
    await load;
    const exit = await exited;
    agent.destroy();

    expect(await idleClosed).toBe('closed');
    const resets = outcomes.filter((outcome) => outcome.kind === 'error' && outcome.code !== 'ECONNREFUSED');
    expect(resets, JSON.stringify(resets)).toEqual([]);
    const answers = outcomes.filter((outcome) => outcome.kind === 'answer');
    const unavailable = answers.filter((answer) => answer.status === 503);
    for (const answer of answers) expect(answer.status === 503 || answer.status < 500, answer.body).toBe(true);
    for (const answer of unavailable) {
      expect(answer.type).toContain('application/problem+json');
      expect(answer.retryAfter).toBeTruthy();
      expect(JSON.parse(answer.body)).toMatchObject({ status: 503, title: 'Service unavailable' });
    }
    expect(before).toBeGreaterThanOrEqual(300);
    // Each client's first request after the signal was a late arrival, answered 503 while draining.
    expect(unavailable).toHaveLength(16);
    expect(exit).toEqual({ code: 0, signal: null });
    expect(lines.some((line) => line.includes('signal ignored'))).toBe(true);
    // Every log line names its service once (the embedded services are children of one logger).
    for (const line of lines.filter((text) => text.startsWith('{')))
      expect(line.match(/"service":/g), line).toHaveLength(1);
  }, 90_000);
});
