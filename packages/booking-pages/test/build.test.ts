import { appendFile, cp, mkdtemp, readdir, readFile, rm, stat, symlink, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ensureBuilt, holdBuild, PACKAGE_INPUTS, PACKAGE_ROOT } from '../src/server/build.js';

/** A copy of the package's build inputs, with the package's own node_modules, so a build here is real. */
async function copyOfThePackage(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'booking-pages-build-'));
  for (const input of PACKAGE_INPUTS) await cp(join(PACKAGE_ROOT, input), join(root, input), { recursive: true });
  await symlink(join(PACKAGE_ROOT, 'node_modules'), join(root, 'node_modules'), 'dir');
  return root;
}

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

/** Everything under `root`'s dist/pages: finished builds (named by hash) and scratch folders (`.build-…`). */
const buildsIn = async (root: string) => (await readdir(join(root, 'dist', 'pages'))).sort();

/** The text of every script the build made (not the compressed copies). */
async function scriptsOf(folder: string): Promise<string> {
  const names = (await readdir(join(folder, 'assets'))).filter((name) => name.endsWith('.js'));
  return (await Promise.all(names.map((name) => readFile(join(folder, 'assets', name), 'utf8')))).join('\n');
}

/** A build is complete when everything its index.html loads is there, each with its .gz and .br beside it. */
async function expectComplete(folder: string) {
  const html = await readFile(join(folder, 'index.html'), 'utf8');
  const loaded = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((match) => match[1]!);
  expect(loaded.some((path) => path.endsWith('.js'))).toBe(true);
  for (const path of loaded) {
    for (const suffix of ['', '.gz', '.br']) expect(await exists(join(folder, `${path}${suffix}`))).toBe(true);
  }
}

/** A statement the bundler keeps: a call with a side effect, naming `marker`. */
const markerLine = (marker: string) => `\nconsole.info(${JSON.stringify(marker)});\n`;

describe('the build of the booking pages', () => {
  let root: string;
  let first: string;
  const firstLog: string[] = [];

  beforeAll(async () => {
    root = await copyOfThePackage();
    first = await ensureBuilt((message) => firstLog.push(message), root);
  }, 60_000);
  afterAll(() => rm(root, { recursive: true, force: true }));

  it('when there is no build of the sources, then it builds one into dist/pages/<hash>', async () => {
    expect(firstLog).toHaveLength(1);
    expect(first.startsWith(join(root, 'dist', 'pages'))).toBe(true);
    expect(await buildsIn(root)).toEqual([basename(first)]);
    await expectComplete(first);
  });

  it('when the sources have not changed, then it builds nothing and returns the same folder', async () => {
    const log: string[] = [];
    expect(await ensureBuilt((message) => log.push(message), root)).toBe(first);
    expect(log).toEqual([]);
  });

  it('when one source file changes, then a new build has the change, and the older one is kept for a process that still serves it', async () => {
    const marker = `stale-build-check-${Date.now()}`;
    expect(await scriptsOf(first)).not.toContain(marker);
    await appendFile(join(root, 'src', 'app', 'main.tsx'), markerLine(marker));

    const log: string[] = [];
    const second = await ensureBuilt((message) => log.push(message), root);

    expect(log).toHaveLength(1);
    expect(second).not.toBe(first);
    expect(await scriptsOf(second)).toContain(marker);
    await expectComplete(second);
    await expectComplete(first);
    expect(await buildsIn(root)).toEqual([basename(first), basename(second)].sort());
  }, 60_000);

  it('when two callers ask at once after a change, then both get the same complete build', async () => {
    const marker = `concurrent-build-check-${Date.now()}`;
    await appendFile(join(root, 'src', 'app', 'main.tsx'), markerLine(marker));

    const [one, other] = await Promise.all([ensureBuilt(undefined, root), ensureBuilt(undefined, root)]);

    expect(one).toBe(other);
    await expectComplete(one);
    expect(await scriptsOf(one)).toContain(marker);
    // The loser's scratch folder is gone: only finished builds are left.
    expect((await buildsIn(root)).filter((entry) => entry.startsWith('.'))).toEqual([]);
  }, 60_000);

  it('when a process serving an old build holds it, then a day later the next build keeps it', async () => {
    const dayAndHourAgo = new Date(Date.now() - 25 * 60 * 60 * 1000);
    await utimes(first, dayAndHourAgo, dayAndHourAgo);
    const release = holdBuild(first);
    await vi.waitFor(async () => expect((await stat(first)).mtimeMs).toBeGreaterThan(dayAndHourAgo.getTime()));
    release();
    await appendFile(join(root, 'src', 'app', 'main.tsx'), markerLine(`holding-check-${Date.now()}`));

    await ensureBuilt(undefined, root);

    expect(await exists(first)).toBe(true);
  }, 60_000);

  it('when a build was not held for more than a day, then the next build removes it', async () => {
    const dayAndHourAgo = new Date(Date.now() - 25 * 60 * 60 * 1000);
    await utimes(first, dayAndHourAgo, dayAndHourAgo);
    const recent = (await buildsIn(root)).filter((entry) => entry !== basename(first));
    await appendFile(join(root, 'src', 'app', 'main.tsx'), markerLine(`pruning-check-${Date.now()}`));

    const newest = await ensureBuilt(undefined, root);

    expect(await exists(first)).toBe(false);
    expect(await buildsIn(root)).toEqual([...recent, basename(newest)].sort());
  }, 60_000);
});
