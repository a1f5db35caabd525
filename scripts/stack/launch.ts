/**
 * Starts the gateway and every service as separate processes on loopback, the way the compose
 * stack runs them: messages over RabbitMQ (`AMQP_URL`), MongoDB at `MONGODB_URL` or in-memory
 * stores where it is absent.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { DEFAULT_WEBHOOK_RETRY_DELAYS_MS } from '@slotkeeper/webhook-service';
import amqplib from 'amqplib';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

export interface StackOptions {
  gatewayPort: number;
  /** Services listen on basePort+1 … basePort+7. */
  basePort: number;
  env: Record<string, string | undefined>;
  /** Where the processes' output goes; by default it is dropped. */
  output?: (service: string, line: string) => void;
}

export const SERVICES = ['user', 'schedule', 'calendar', 'booking', 'notification', 'sync', 'webhook'] as const;
export type ServiceName = (typeof SERVICES)[number];

export interface Stack {
  gatewayUrl: string;
  /** Kills one service's process at once (SIGKILL: no shutdown hooks run), as a crash would. */
  kill(service: ServiceName): Promise<void>;
  /** Starts a killed service again on its port and waits until it is healthy. */
  restart(service: ServiceName): Promise<void>;
  /** The process id of each running process (the services and `gateway`). */
  pids(): Map<string, number>;
  stop(): Promise<void>;
}

async function healthy(url: string, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const ok = await fetch(`${url}/health`).then(
      (response) => response.status === 200,
      () => false,
    );
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${url} did not become healthy within ${timeoutMs} ms`);
}

/**
 * The embedded system as `pnpm start` runs it, in a process of its own on `port`: a benchmark's
 * load generator then does not share (and stall) the event loop it measures.
 */
export async function startEmbeddedProcess(port: number, env: Record<string, string> = {}) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'packages/embedded/src/main.ts'], {
    cwd: root,
    env: {
      ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.endsWith('_SERVICE_URL'))),
      LOG_LEVEL: 'warn',
      ...env,
      PORT: String(port),
      HOST: '127.0.0.1',
    },
    stdio: 'ignore',
  });
  const url = `http://127.0.0.1:${port}`;
  await healthy(url, 60_000);
  return {
    url,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

export async function startStack({ gatewayPort, basePort, env, output }: StackOptions): Promise<Stack> {
  const url = (i: number) => `http://127.0.0.1:${basePort + i}`;
  const serviceUrls = {
    // The secret the gateway signs identities with: one per stack unless the caller sets it.
    INTERNAL_AUTH_SECRET: env.INTERNAL_AUTH_SECRET ?? randomBytes(32).toString('base64url'),
    USER_SERVICE_URL: url(1),
    SCHEDULE_SERVICE_URL: url(2),
    CALENDAR_SERVICE_URL: url(3),
    BOOKING_SERVICE_URL: url(4),
    SYNC_SERVICE_URL: url(6),
    WEBHOOK_SERVICE_URL: url(7),
    // Busy-source passwords and webhook secrets are sealed under a key of this stack's own unless the caller sets one.
    SECRET_KEYS: env.SECRET_KEYS ?? `k1:${randomBytes(32).toString('base64')}`,
    // Where notification emails link to: this stack's gateway.
    PUBLIC_BASE_URL: env.PUBLIC_BASE_URL ?? `http://127.0.0.1:${gatewayPort}`,
  };
  const children = new Map<string, ChildProcess>();
  const recent: string[] = [];
  const given = Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
  const start = (name: string, entry: string, port: number) => {
    // STACK_CPU_PROF_DIR=<dir>: each process writes a V8 CPU profile to <dir>/<name> on exit.
    const profile = process.env.STACK_CPU_PROF_DIR;
    const flags = profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}/${name}`] : [];
    const child = spawn(process.execPath, [...flags, '--import', 'tsx', entry], {
      cwd: root,
      env: { ...process.env, ...given, ...serviceUrls, PORT: String(port), HOST: '127.0.0.1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    for (const stream of [child.stdout, child.stderr]) {
      stream?.setEncoding('utf8').on('data', (chunk: string) => {
        for (const line of chunk.split('\n').filter(Boolean)) {
          output?.(name, line);
          recent.push(`${name}: ${line}`);
          if (recent.length > 20) recent.shift();
        }
      });
    }
    children.set(name, child);
  };
  const end = (child: ChildProcess | undefined, signal: NodeJS.Signals) =>
    new Promise<void>((resolve) => {
      if (!child || child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill(signal);
      if (signal !== 'SIGKILL') setTimeout(() => child.kill('SIGKILL'), 8_000).unref();
    });
  const stop = async () => {
    await Promise.all([...children.values()].map((child) => end(child, 'SIGTERM')));
  };
  try {
    SERVICES.forEach((name, i) => start(name, `services/${name}/src/main.ts`, basePort + i + 1));
    await Promise.all(SERVICES.map((_, i) => healthy(url(i + 1), 60_000)));
    start('gateway', 'gateway/src/main.ts', gatewayPort);
    await healthy(`http://127.0.0.1:${gatewayPort}`, 60_000);
  } catch (error) {
    await stop();
    throw new Error(`${error instanceof Error ? error.message : String(error)}; last output:\n${recent.join('\n')}`);
  }
  return {
    gatewayUrl: `http://127.0.0.1:${gatewayPort}`,
    kill: (service) => end(children.get(service), 'SIGKILL'),
    async restart(service) {
      const i = SERVICES.indexOf(service);
      start(service, `services/${service}/src/main.ts`, basePort + i + 1);
      await healthy(url(i + 1), 60_000);
    },
    pids: () =>
      new Map(
        [...children]
          .filter(([, child]) => child.pid !== undefined && child.exitCode === null && child.signalCode === null)
          .map(([name, child]) => [name, child.pid!]),
      ),
    stop,
  };
}

/**
 * Deletes a stack's exchange and queues from the broker. `retryDelaysMs`: the webhook retry waits
 * the stack ran with (its delay queues are named by them); the defaults' queues otherwise.
 */
export async function deleteStackTopology(
  amqpUrl: string,
  prefix: string,
  retryDelaysMs: readonly number[] = DEFAULT_WEBHOOK_RETRY_DELAYS_MS,
): Promise<void> {
  const connection = await amqplib.connect(amqpUrl);
  const channel = await connection.createChannel();
  for (const service of ['calendar', 'booking', 'notification', 'sync', 'webhook']) {
    for (const suffix of ['', '.retry', '.dead']) await channel.deleteQueue(`${prefix}.${service}${suffix}`);
  }
  // The webhook service's work queue of deliveries and its delay queues, one per wait.
  for (const suffix of ['', '.dead', ...retryDelaysMs.map((ms) => `.delay.${ms}`)]) {
    await channel.deleteQueue(`${prefix}.webhook.deliver${suffix}`);
  }
  await channel.deleteExchange(`${prefix}.events`);
  await connection.close();
}
