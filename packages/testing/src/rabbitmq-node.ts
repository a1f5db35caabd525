/**
 * A throwaway RabbitMQ node for tests that restart their broker, which the shared one (`AMQP_URL`)
 * must never be: one node per `startRabbitNode()`, with its own name, ports, data, logs, Erlang
 * cookie and port mapper (epmd), all in a fresh temp folder, and no plugins (the management
 * plugin would fight the machine's broker for port 15672).
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, constants } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/**
 * The folder holding `rabbitmq-server` and `rabbitmqctl`, or null. Debian's own scripts first:
 * its `/usr/sbin/rabbitmq-server` is a wrapper that runs the server as the `rabbitmq` user with
 * the machine's data and logs.
 */
export const RABBITMQ_BIN: string | null =
  ['/usr/lib/rabbitmq/bin', ...(process.env.PATH ?? '').split(path.delimiter).filter(Boolean)].find(
    (folder) => executable(path.join(folder, 'rabbitmq-server')) && executable(path.join(folder, 'rabbitmqctl')),
  ) ?? null;
const EPMD = (process.env.PATH ?? '').split(path.delimiter).find((folder) => executable(path.join(folder, 'epmd')));

/** Why a node cannot start on this machine, or undefined where it can. */
const unavailable: string | undefined =
  RABBITMQ_BIN === null
    ? 'rabbitmq-server is not installed (pnpm system-deps, or apt-get install rabbitmq-server)'
    : EPMD === undefined
      ? 'epmd (Erlang) is not on the PATH'
      : undefined;

/**
 * Why the tests that need a node of their own skip here: never under CI, where they must run
 * (`scripts/system-deps.sh` installs the server) and fail saying why when they cannot.
 */
export const rabbitNodeMissing: string | undefined = process.env.CI === 'true' ? undefined : unavailable;

export interface RabbitNode {
  /** `amqp://guest:guest@127.0.0.1:PORT`. */
  url: string;
  /** The Erlang node name, `wq-<random>@localhost`. */
  name: string;
  /** `rabbitmqctl -n <name> ...args`; its output. */
  ctl(...args: string[]): Promise<string>;
  /** Stops the broker inside the node (`stop_app`): connections drop, the node stays up. */
  stopApp(): Promise<void>;
  /** Starts it again (`start_app`) and resolves once it takes connections. */
  startApp(): Promise<void>;
  /** Stops the node and its epmd (SIGKILL after 5 s), then removes the folder. Safe to call twice. */
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 30_000;
const STOP_GRACE_MS = 5_000;

export async function startRabbitNode(): Promise<RabbitNode> {
  if (unavailable) throw new Error(`cannot start a RabbitMQ node: ${unavailable}`);
  const bin = RABBITMQ_BIN!;
  const folder = await mkdtemp(path.join(os.tmpdir(), 'slotkeeper-rabbitmq-'));
  const [amqpPort, distPort, epmdPort] = (await freePorts(3)) as [number, number, number];
  const name = `wq-${randomBytes(4).toString('hex')}@localhost`;
  const file = (name: string) => path.join(folder, name);
  await mkdir(file('home'));
  await writeFile(file('enabled_plugins'), '[].\n');
  await writeFile(
    file('rabbitmq.conf'),
    [
      `listeners.tcp.local = 127.0.0.1:${amqpPort}`,
      'loopback_users = none',
      'disk_free_limit.absolute = 50MB',
      '',
    ].join('\n'),
  );
  // Read instead of /etc/rabbitmq/rabbitmq-env.conf, which names the machine's node.
  await writeFile(file('rabbitmq-env.conf'), '');
  const env = {
    ...process.env,
    // The Erlang cookie is made in $HOME; rabbitmqctl reads the same one.
    HOME: file('home'),
    ERL_EPMD_PORT: String(epmdPort),
    ERL_EPMD_ADDRESS: '127.0.0.1',
    RABBITMQ_CONF_ENV_FILE: file('rabbitmq-env.conf'),
    RABBITMQ_NODENAME: name,
    RABBITMQ_NODE_IP_ADDRESS: '127.0.0.1',
    RABBITMQ_NODE_PORT: String(amqpPort),
    RABBITMQ_DIST_PORT: String(distPort),
    RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS: '-kernel inet_dist_use_interface {127,0,0,1}',
    RABBITMQ_CONFIG_FILE: file('rabbitmq.conf'),
    RABBITMQ_ADVANCED_CONFIG_FILE: file('advanced.config'),
    RABBITMQ_ENABLED_PLUGINS_FILE: file('enabled_plugins'),
    RABBITMQ_PLUGINS_EXPAND_DIR: file('plugins-expand'),
    RABBITMQ_FEATURE_FLAGS_FILE: file('feature_flags'),
    RABBITMQ_MNESIA_BASE: file('mnesia'),
    RABBITMQ_LOG_BASE: file('log'),
    RABBITMQ_PID_FILE: file('rabbitmq.pid'),
  };
  const output: string[] = [];
  const start = (command: string, args: string[]) => {
    // Its own process group, so `stop` reaches the shell script and the VM below it.
    const child = spawn(command, args, { env, cwd: folder, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    for (const stream of [child.stdout, child.stderr])
      stream.on('data', (chunk: Buffer) => void output.push(String(chunk)));
    return child;
  };
  // An epmd of its own (erl would start one as a daemon and leave it running).
  const epmd = start(path.join(EPMD!, 'epmd'), ['-port', String(epmdPort), '-address', '127.0.0.1']);
  const server = start(path.join(bin, 'rabbitmq-server'), []);
  const ctl = (...args: string[]) =>
    new Promise<string>((resolve, reject) =>
      execFile(
        path.join(bin, 'rabbitmqctl'),
        ['-n', name, ...args],
        { env, timeout: 30_000 },
        (error, stdout, stderr) =>
          error
            ? reject(new Error(`rabbitmqctl ${args.join(' ')}: ${stderr || stdout || error.message}`))
            : resolve(stdout),
      ),
    );

  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      await ctl('stop').catch(() => undefined);
      await Promise.all([ended(server), ended(epmd)]);
      await rm(folder, { recursive: true, force: true });
    })());
  const accepting = async () => {
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (!(await accepts(amqpPort))) {
      if (server.exitCode !== null || server.signalCode !== null || Date.now() > deadline) {
        const why = server.exitCode !== null ? `exited with ${server.exitCode}` : 'did not take connections in time';
        throw new Error(`the RabbitMQ node ${name} ${why}:\n${output.join('').slice(-2_000)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  try {
    await accepting();
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    url: `amqp://guest:guest@127.0.0.1:${amqpPort}`,
    name,
    ctl,
    stopApp: async () => void (await ctl('stop_app')),
    startApp: async () => {
      await ctl('start_app');
      await accepting();
    },
    stop,
  };
}

/** SIGTERM to the child's process group, SIGKILL after the grace; resolves once it has exited. */
async function ended(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, name);
    } catch {
      // Already gone.
    }
  };
  signal('SIGTERM');
  const timer = setTimeout(() => signal('SIGKILL'), STOP_GRACE_MS);
  await exited;
  clearTimeout(timer);
}

const accepts = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

/**
 * `count` free loopback ports below Linux's ephemeral range (32768 on), from which the kernel
 * hands out ports by itself: one found free there could be taken before the node listened on it.
 */
async function freePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (ports.has(port)) continue;
    const free = await new Promise<boolean>((resolve) => {
      const server = net.createServer().once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    if (free) ports.add(port);
  }
  return [...ports];
}

function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
