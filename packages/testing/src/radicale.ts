/**
 * Debian's Radicale (`apt-get install radicale`; `pnpm system-deps` and `.ci/run` install it), a
 * real CalDAV server for the busy-source tests: one process per `startRadicale()`, in a fresh
 * temp folder, on a port the system picks.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, constants } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe } from 'vitest';

/** The radicale binary on the PATH, or null where it is not installed. */
export const RADICALE: string | null = onPath('radicale');

/**
 * Why the Radicale tests cannot run on this machine; never a reason under CI, where they must run
 * (there `startRadicale` throws, so a missing server fails the suite instead of skipping it).
 */
export const radicaleMissing: string | undefined =
  process.env.CI !== 'true' && RADICALE === null
    ? 'radicale is not installed (pnpm system-deps, or apt-get install radicale); CI runs these tests'
    : undefined;

/** A `describe` that needs Radicale: skipped, with the reason printed, only outside CI on a machine without it. */
export function describeWithRadicale(name: string, body: () => void): void {
  if (radicaleMissing) {
    console.warn(`skipping "${name}": ${radicaleMissing}`);
    describe.skip(name, body);
  } else describe(name, body);
}

export interface Radicale {
  /** `http://127.0.0.1:PORT`, no trailing slash. */
  url: string;
  username: string;
  password: string;
  /** MKCALENDAR `/{username}/{name}/`; the collection's URL, ending with `/`. */
  collection(name: string): Promise<string>;
  /** SIGTERM, SIGKILL after 5 s, then the folder removed. Safe to call twice. */
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 20_000;
const STOP_GRACE_MS = 5_000;
const USERNAME = 'alice';

export async function startRadicale(): Promise<Radicale> {
  if (RADICALE === null) throw new Error('radicale is not installed: run pnpm system-deps (apt-get install radicale)');
  const folder = await mkdtemp(path.join(os.tmpdir(), 'slotkeeper-radicale-'));
  const password = randomBytes(12).toString('hex');
  const users = path.join(folder, 'users');
  await writeFile(users, `${USERNAME}:${password}\n`);
  // `--config ""` so Debian's /etc/radicale/config (remote_user auth, rights from a file) is not
  // read; the log level info is what prints the port that port 0 was given.
  const child = spawn(
    RADICALE,
    [
      '--config',
      '',
      '--server-hosts',
      '127.0.0.1:0',
      '--auth-type',
      'htpasswd',
      '--auth-htpasswd-filename',
      users,
      '--auth-htpasswd-encryption',
      'plain',
      '--auth-delay',
      '0',
      '--rights-type',
      'owner_only',
      '--storage-filesystem-folder',
      path.join(folder, 'collections'),
      '--web-type',
      'none',
      '--logging-level',
      'info',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let port: number;
  try {
    port = await readyPort(child);
  } catch (error) {
    await terminate(child, exited);
    await rm(folder, { recursive: true, force: true });
    throw error;
  }
  const url = `http://127.0.0.1:${port}`;
  const authorization = `Basic ${Buffer.from(`${USERNAME}:${password}`).toString('base64')}`;
  let stopped: Promise<void> | undefined;
  return {
    url,
    username: USERNAME,
    password,
    async collection(name) {
      const collectionUrl = `${url}/${USERNAME}/${encodeURIComponent(name)}/`;
      const response = await fetch(collectionUrl, {
        method: 'MKCALENDAR',
        headers: { authorization, 'content-type': 'application/xml; charset=utf-8' },
        body:
          '<?xml version="1.0" encoding="utf-8"?><C:mkcalendar xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">' +
          `<D:set><D:prop><D:displayname>${escapeXml(name)}</D:displayname>` +
          '<C:supported-calendar-component-set><C:comp name="VEVENT"/></C:supported-calendar-component-set>' +
          '</D:prop></D:set></C:mkcalendar>',
      });
      await response.body?.cancel();
      if (response.status !== 201) throw new Error(`MKCALENDAR ${name} answered ${response.status}`);
      return collectionUrl;
    },
    stop() {
      stopped ??= (async () => {
        await terminate(child, exited);
        await rm(folder, { recursive: true, force: true });
      })();
      return stopped;
    },
  };
}

/**
 * The port from the "Listening on" line, once "Radicale server ready" is logged. stderr keeps being
 * read afterwards: every request logs a line, and a full pipe would block the server.
 */
function readyPort(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    let log = '';
    let port: number | undefined;
    let settled = false;
    const settle = (result: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      result();
    };
    const tail = () => log.split('\n').slice(-10).join('\n');
    const timer = setTimeout(
      () => settle(() => reject(new Error(`radicale was not ready within ${START_TIMEOUT_MS} ms:\n${tail()}`))),
      START_TIMEOUT_MS,
    );
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      if (settled) return;
      log += chunk;
      port ??= Number(/Listening on '\[?127\.0\.0\.1\]?:(\d+)'/.exec(log)?.[1] ?? Number.NaN) || undefined;
      if (port !== undefined && log.includes('Radicale server ready')) {
        const ready = port;
        settle(() => resolve(ready));
      }
    });
    child.once('error', (error) => settle(() => reject(error)));
    child.once('exit', (code, signal) =>
      settle(() => reject(new Error(`radicale exited (${code ?? signal}) before it was ready:\n${tail()}`))),
    );
  });
}

/** Radicale logs "Stopping" at once but takes 1–3 s to exit: wait for it, and kill it if it lingers. */
async function terminate(child: ChildProcess, exited: Promise<void>): Promise<void> {
  // No pid: it never started, and 'exit' may never come.
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const lingering = new Promise<'lingering'>((resolve) => {
    timer = setTimeout(() => resolve('lingering'), STOP_GRACE_MS);
  });
  const outcome = await Promise.race([exited, lingering]);
  clearTimeout(timer);
  if (outcome === 'lingering') {
    child.kill('SIGKILL');
    await exited;
  }
}

function onPath(name: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir === '') continue;
    const candidate = path.join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return null;
}

const escapeXml = (text: string): string => text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
